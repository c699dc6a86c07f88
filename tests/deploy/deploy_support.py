"""What the deploy/ tests share: where things are, the skip code, the
Dockerfile's reader and the offline Kubernetes schema check.

Run by /usr/bin/python3 (Debian's): python3-yaml and python3-kubernetes are
Debian packages (scripts/debian-packages.txt), so another python3 first on
PATH (pyenv, a virtualenv) would not see them.
"""

import functools
import json
import os
import re
import subprocess

# ctest's SKIP_RETURN_CODE for these tests (tests/CMakeLists.txt).
SKIP = 77

SOURCE_DIR = os.environ.get(
    "TRAINYARD_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
# The tree under test; a copy may be given to check that the tests fail.
DEPLOY_DIR = os.environ.get("TRAINYARD_DEPLOY_DIR",
                            os.path.join(SOURCE_DIR, "deploy"))

# The image's data directory (deploy/Dockerfile's TRAINYARD_HOME).
DATA_DIR = "/var/lib/trainyard"
HEALTH_PATH = "/api/v1/health"


def Run(argv, **kwargs):
  """Runs argv; returns the CompletedProcess (text, output captured)."""
  return subprocess.run(argv, capture_output=True, text=True, **kwargs)


@functools.lru_cache(maxsize=None)
def HelpFlags(binary, subcommand):
  """The long flags `trainyard <subcommand> --help` lists."""
  out = Run([binary, subcommand, "--help"])
  if out.returncode != 0:
    raise AssertionError(f"{binary} {subcommand} --help exited "
                         f"{out.returncode}: {out.stderr}")
  return set(re.findall(r"(--[a-z][a-z0-9-]*)", out.stdout))


def FlagsIn(args):
  """The --flags of an argument list (--x=y counts as --x)."""
  return [a.split("=", 1)[0] for a in args if a.startswith("--")]


class Dockerfile:
  """A Dockerfile as stages of (INSTRUCTION, arguments) pairs."""

  def __init__(self, path):
    with open(path) as f:
      text = f.read()
    text = re.sub(r"\\\n", " ", text)  # continuation lines
    self.stages = []  # each: {"from": str, "name": str, "lines": [...]}
    for line in text.splitlines():
      line = line.strip()
      if not line or line.startswith("#"):
        continue
      instruction, _, rest = line.partition(" ")
      instruction = instruction.upper()
      rest = rest.strip()
      if instruction == "FROM":
        parts = rest.split()
        name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else ""
        self.stages.append({"from": parts[0], "name": name, "lines": []})
      elif self.stages:
        self.stages[-1]["lines"].append((instruction, rest))

  def Instructions(self, stage, instruction):
    """Arguments of every `instruction` in `stage` (a stage dict)."""
    return [rest for ins, rest in stage["lines"] if ins == instruction]

  @property
  def runtime(self):
    return self.stages[-1]


def ExecForm(text):
  """["a", "b"] of CMD/ENTRYPOINT's exec form as a list."""
  return json.loads(text)


# --- Offline schema: the Kubernetes Python client's models -----------------
#
# python3-kubernetes (22.6, Kubernetes 1.22's API) carries a model class per
# API type with its fields (attribute_map), their types (openapi_types) and
# setters that refuse a missing required field or a value outside an enum.
# Walking a rendered object through them catches misspelt or misplaced
# fields, wrong types and missing required fields without a cluster.

# The API group of each kind the manifests may use (core = "").
_GROUPS = {
    "ConfigMap": "", "PersistentVolumeClaim": "", "Secret": "", "Service": "",
    "ServiceAccount": "", "Deployment": "apps", "StatefulSet": "apps",
    "PodDisruptionBudget": "policy", "Ingress": "networking.k8s.io",
    "NetworkPolicy": "networking.k8s.io", "Job": "batch", "CronJob": "batch",
}


def SchemaErrors(obj):
  """Every way `obj` (a parsed manifest) departs from its kind's schema."""
  from kubernetes.client import Configuration
  from kubernetes.client import models
  errors = []
  kind = obj.get("kind", "")
  api_version = obj.get("apiVersion", "")
  group, _, version = api_version.rpartition("/")
  if kind not in _GROUPS:
    return [f"{kind}: kind unknown to the test (add its API group to _GROUPS)"]
  if group != _GROUPS[kind]:
    return [f"{kind}: apiVersion {api_version} is not in group "
            f"'{_GROUPS[kind]}'"]
  cls_name = version[:1].upper() + version[1:] + kind
  if not hasattr(models, cls_name):
    return [f"{kind}: no {api_version} {kind} in the Kubernetes API"]
  config = Configuration()
  config.client_side_validation = True
  _Check(obj, cls_name, kind, errors, models, config)
  return errors


_PRIMITIVES = {"str": (str,), "int": (int,), "float": (int, float),
               "bool": (bool,), "datetime": (str,), "date": (str,)}


def _Check(value, type_name, path, errors, models, config):
  if type_name.startswith("list["):
    if not isinstance(value, list):
      errors.append(f"{path}: expected a list, got {type(value).__name__}")
      return
    for i, item in enumerate(value):
      _Check(item, type_name[5:-1], f"{path}[{i}]", errors, models, config)
    return
  if type_name.startswith("dict("):
    inner = type_name[type_name.index(",") + 1:-1].strip()
    if not isinstance(value, dict):
      errors.append(f"{path}: expected a map, got {type(value).__name__}")
      return
    for key, item in value.items():
      _Check(item, inner, f"{path}.{key}", errors, models, config)
    return
  if type_name == "object":  # int-or-string, free-form
    return
  if type_name in _PRIMITIVES:
    ok = isinstance(value, _PRIMITIVES[type_name])
    if type_name in ("int", "float") and isinstance(value, bool):
      ok = False
    if not ok:
      errors.append(f"{path}: expected {type_name}, got "
                    f"{type(value).__name__} {value!r}")
    return
  cls = getattr(models, type_name)
  if not isinstance(value, dict):
    errors.append(f"{path}: expected a {type_name} object, got {value!r}")
    return
  fields = {json_name: py for py, json_name in cls.attribute_map.items()}
  kwargs = {}
  for key, item in value.items():
    if key not in fields:
      errors.append(f"{path}.{key}: unknown field of {type_name}")
      continue
    _Check(item, cls.openapi_types[fields[key]], f"{path}.{key}", errors,
           models, config)
    kwargs[fields[key]] = item
  try:  # the setters refuse missing required fields and non-enum values
    cls(local_vars_configuration=config, **kwargs)
  except (ValueError, TypeError) as e:
    errors.append(f"{path}: {e}")
