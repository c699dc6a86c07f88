"""The baseline a Python team would write for GET /api/v1/health: FastAPI on
uvicorn, checking its SQLite database like Trainyard does (SELECT 1).
Started by bench/http.sh; not part of the product."""
import sqlite3
import time

from fastapi import FastAPI

app = FastAPI()
_db = sqlite3.connect(":memory:", check_same_thread=False)
_started = time.time()


@app.get("/api/v1/health")
def health():
    try:
        _db.execute("SELECT 1").fetchone()
        database = "healthy"
    except sqlite3.Error:
        database = "unhealthy"
    uptime = int(time.time() - _started)
    return {
        "status": "healthy" if database == "healthy" else "unhealthy",
        "components": {"api": "healthy", "database": database,
                       "kubernetes": "not_configured", "wandb": "not_configured"},
        "version": "1.0.0",
        "uptime": f"{uptime}s",
    }
