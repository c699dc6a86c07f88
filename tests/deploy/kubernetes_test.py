#!/usr/bin/python3
"""deploy/kubernetes: every overlay renders with `kubectl kustomize` (client
side, no cluster) into objects that match Kubernetes' schema and fit
together (probes, resources, non-root, the database URL from a Secret,
selectors, the PodDisruptionBudget). Also the gym's deploy/k8s templates.

  tests/deploy/kubernetes_test.py TRAINYARD_BINARY

The binary is asked (`--help`) whether the flags the manifests pass exist.
KUBECTL names the kubectl to use (default: the one on PATH); without one
that renders, the test exits 77 (ctest: skipped) and says why.
"""

import collections
import glob
import os
import re
import sys
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean

import yaml

import deploy_support as ds

KUSTOMIZE_DIR = os.path.join(ds.DEPLOY_DIR, "kubernetes")
OVERLAYS_DIR = os.path.join(KUSTOMIZE_DIR, "overlays")

# What each overlay is made of. A new overlay must be added here.
EXPECTED_KINDS = {
    "single": {"ConfigMap": 1, "Deployment": 1, "PersistentVolumeClaim": 1,
               "Service": 1, "ServiceAccount": 1},
    "postgresql": {"ConfigMap": 1, "Deployment": 2,
                   "PersistentVolumeClaim": 1, "PodDisruptionBudget": 1,
                   "Service": 1, "ServiceAccount": 1},
}
# The Secret the postgresql overlay reads the database URL from; the user
# creates it (docs/scale-out.md), the manifests never contain it.
DATABASE_SECRET = "trainyard-database"

# Values for the gym templates' {{placeholders}} (products/gym/kubernetes.cc).
GYM_VALUES = {
    "name": "trainyard-gym-m1", "namespace": "default", "model_id": "m1",
    "replicas": "2", "cpu": "500m", "memory": "512Mi",
    "strategy": "RollingUpdate", "image": "registry.example.com/trainyard:1",
    "model_path": "/var/lib/trainyard/models/m1", "port": "8000",
}

BINARY = None
KUBECTL = None
RENDERED = {}  # overlay -> [objects]


def FindKubectl():
  """A kubectl whose `kustomize` works, or (None, why not)."""
  kubectl = os.environ.get("KUBECTL") or "kubectl"
  try:
    out = ds.Run([kubectl, "kustomize", "--help"], timeout=60)
  except OSError as e:
    return None, f"{kubectl}: {e}"
  if out.returncode != 0:
    return None, f"`{kubectl} kustomize --help` exited {out.returncode}"
  return kubectl, ""


def Render(overlay):
  out = ds.Run([KUBECTL, "kustomize", os.path.join(OVERLAYS_DIR, overlay)],
               timeout=120)
  if out.returncode != 0:
    raise AssertionError(f"kubectl kustomize {overlay}: {out.stderr}")
  return [d for d in yaml.safe_load_all(out.stdout) if d]


def Name(obj):
  return f"{obj['kind']}/{obj['metadata']['name']}"


def OfKind(objects, kind):
  return [o for o in objects if o["kind"] == kind]


def Containers(deployment):
  return deployment["spec"]["template"]["spec"]["containers"]


def PodLabels(deployment):
  return deployment["spec"]["template"]["metadata"].get("labels", {})


def Selects(selector, labels):
  return bool(selector) and all(labels.get(k) == v
                                for k, v in selector.items())


def Subcommand(deployment):
  """`serve` or `worker`: the container's first argument."""
  args = Containers(deployment)[0].get("args", [])
  return args[0] if args else ""


def ApiDeployments(objects):
  return [d for d in OfKind(objects, "Deployment") if Subcommand(d) == "serve"]


def WorkerDeployments(objects):
  return [d for d in OfKind(objects, "Deployment")
          if Subcommand(d) == "worker"]


def ServePort(container):
  args = container.get("args", [])
  for i, a in enumerate(args):
    if a == "--port":
      return int(args[i + 1])
    if a.startswith("--port="):
      return int(a.split("=", 1)[1])
  return 8000  # `trainyard serve --help`: default 8000


def ContainerPort(container, port):
  """The containerPort number a probe's or Service's port names, or None."""
  for p in container.get("ports", []):
    if port in (p.get("name"), p.get("containerPort")):
      return p["containerPort"]
  return None


def Env(container, name):
  return [e for e in container.get("env", []) if e["name"] == name]


class OverlayTest(unittest.TestCase):

  def test_every_overlay_is_known_to_this_test(self):
    found = glob.glob(os.path.join(OVERLAYS_DIR, "*", "kustomization.yaml"))
    self.assertEqual(sorted(p.split(os.sep)[-2] for p in found),
                     sorted(EXPECTED_KINDS))

  def test_overlays_render_the_expected_kinds(self):
    for overlay, objects in sorted(RENDERED.items()):
      with self.subTest(overlay=overlay):
        kinds = collections.Counter(o["kind"] for o in objects)
        self.assertEqual(dict(kinds), EXPECTED_KINDS[overlay])

  def test_objects_match_the_kubernetes_schema(self):
    for overlay, objects in sorted(RENDERED.items()):
      with self.subTest(overlay=overlay):
        for obj in objects:
          self.assertEqual(ds.SchemaErrors(obj), [], Name(obj))

  def test_api_servers_probe_health_on_their_http_port(self):
    for overlay, objects in sorted(RENDERED.items()):
      with self.subTest(overlay=overlay):
        self.assertTrue(ApiDeployments(objects), "no `serve` Deployment")
        for d in ApiDeployments(objects):
          c = Containers(d)[0]
          for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            get = c.get(probe, {}).get("httpGet", {})
            self.assertEqual(get.get("path"), ds.HEALTH_PATH,
                             f"{Name(d)} {probe}")
            self.assertEqual(ContainerPort(c, get.get("port")), ServePort(c),
                             f"{Name(d)} {probe} port")

  def test_every_deployment_is_an_api_server_or_a_worker(self):
    for overlay, objects in sorted(RENDERED.items()):
      with self.subTest(overlay=overlay):
        for d in OfKind(objects, "Deployment"):
          self.assertIn(Subcommand(d), ("serve", "worker"), Name(d))
          self.assertEqual(len(Containers(d)), 1, Name(d))

  def test_workers_probe_health_on_their_health_port(self):
    # A worker's only HTTP is GET /api/v1/health on --health-port, bound
    # where the kubelet reaches it.
    for overlay, objects in sorted(RENDERED.items()):
      with self.subTest(overlay=overlay):
        for d in WorkerDeployments(objects):
          c = Containers(d)[0]
          args = c["args"]
          self.assertIn("--health-port", args, Name(d))
          health = int(args[args.index("--health-port") + 1])
          self.assertEqual(args[args.index("--bind") + 1], "0.0.0.0")
          for probe in ("startupProbe", "livenessProbe"):
            get = c.get(probe, {}).get("httpGet", {})
            self.assertEqual(get.get("path"), ds.HEALTH_PATH,
                             f"{Name(d)} {probe}")
            self.assertEqual(ContainerPort(c, get.get("port")), health,
                             f"{Name(d)} {probe} port")

  def test_flags_exist_in_the_binary(self):
    for overlay, objects in sorted(RENDERED.items()):
      with self.subTest(overlay=overlay):
        for d in OfKind(objects, "Deployment"):
          c = Containers(d)[0]
          known = ds.HelpFlags(BINARY, Subcommand(d))
          for flag in ds.FlagsIn(c["args"]):
            self.assertIn(flag, known, f"{Name(d)}: trainyard {Subcommand(d)}")

  def test_environment_variables_are_documented_settings(self):
    with open(os.path.join(ds.SOURCE_DIR, "README.md")) as f:
      readme = f.read()
    with open(os.path.join(ds.SOURCE_DIR, "src", "core", "config.cc")) as f:
      config = f.read()
    for overlay, objects in sorted(RENDERED.items()):
      with self.subTest(overlay=overlay):
        names = set()
        for d in OfKind(objects, "Deployment"):
          names |= {e["name"] for e in Containers(d)[0].get("env", [])}
        for cm in OfKind(objects, "ConfigMap"):
          names |= set(cm.get("data", {}))
        for name in names:
          self.assertTrue(name in readme or f'"{name}"' in config,
                          f"{name} is not a Trainyard setting")

  def test_containers_request_and_limit_cpu_and_memory(self):
    for overlay, objects in sorted(RENDERED.items()):
      with self.subTest(overlay=overlay):
        for d in OfKind(objects, "Deployment"):
          res = Containers(d)[0].get("resources", {})
          for part in ("requests", "limits"):
            self.assertEqual(set(res.get(part, {})), {"cpu", "memory"},
                             f"{Name(d)} {part}")

  def test_pods_run_as_the_images_non_root_user_on_a_read_only_root(self):
    dockerfile = ds.Dockerfile(os.path.join(ds.DEPLOY_DIR, "Dockerfile"))
    image_uid = int(dockerfile.Instructions(dockerfile.runtime,
                                            "USER")[-1].split(":")[0])
    for overlay, objects in sorted(RENDERED.items()):
      with self.subTest(overlay=overlay):
        for d in OfKind(objects, "Deployment"):
          pod = d["spec"]["template"]["spec"]
          c = Containers(d)[0]
          sc = {**pod.get("securityContext", {}),
                **c.get("securityContext", {})}
          self.assertIs(sc.get("runAsNonRoot"), True, Name(d))
          self.assertEqual(sc.get("runAsUser"), image_uid, Name(d))
          self.assertIs(sc.get("allowPrivilegeEscalation"), False, Name(d))
          self.assertIs(sc.get("readOnlyRootFilesystem"), True, Name(d))
          self.assertEqual(sc.get("capabilities", {}).get("drop"), ["ALL"],
                           Name(d))
          self.assertIs(pod.get("automountServiceAccountToken"), False, Name(d))
          # With the root read-only, what the binary writes needs volumes.
          mounts = {m["mountPath"] for m in c.get("volumeMounts", [])}
          self.assertLessEqual({ds.DATA_DIR, "/tmp"}, mounts, Name(d))

  def test_volumes_and_references_resolve_within_the_overlay(self):
    for overlay, objects in sorted(RENDERED.items()):
      with self.subTest(overlay=overlay):
        names = collections.defaultdict(set)
        for o in objects:
          names[o["kind"]].add(o["metadata"]["name"])
        for d in OfKind(objects, "Deployment"):
          pod = d["spec"]["template"]["spec"]
          volumes = {v["name"]: v for v in pod.get("volumes", [])}
          c = Containers(d)[0]
          for m in c.get("volumeMounts", []):
            self.assertIn(m["name"], volumes,
                          f"{Name(d)} mount {m['mountPath']}")
          for v in volumes.values():
            if "persistentVolumeClaim" in v:
              self.assertIn(v["persistentVolumeClaim"]["claimName"],
                            names["PersistentVolumeClaim"], Name(d))
          for ref in c.get("envFrom", []):
            self.assertIn(ref["configMapRef"]["name"], names["ConfigMap"],
                          Name(d))
          self.assertIn(pod.get("serviceAccountName"), names["ServiceAccount"],
                        Name(d))

  def test_single_is_one_sqlite_server_on_a_read_write_once_volume(self):
    objects = RENDERED["single"]
    (d,) = OfKind(objects, "Deployment")
    self.assertEqual(d["spec"]["replicas"], 1)
    self.assertEqual(d["spec"]["strategy"]["type"], "Recreate")
    self.assertEqual(Env(Containers(d)[0], "TRAINYARD_DATABASE_URL"), [])
    (pvc,) = OfKind(objects, "PersistentVolumeClaim")
    self.assertEqual(pvc["spec"]["accessModes"], ["ReadWriteOnce"])

  def test_postgresql_runs_http_only_servers_and_separate_workers(self):
    objects = RENDERED["postgresql"]
    (api,) = ApiDeployments(objects)
    (worker,) = WorkerDeployments(objects)
    args = Containers(api)[0]["args"]
    self.assertEqual(args[args.index("--workers") + 1], "0")
    self.assertGreaterEqual(api["spec"]["replicas"], 2)
    self.assertGreaterEqual(worker["spec"]["replicas"], 1)

  def test_postgresql_database_url_comes_from_a_secret(self):
    objects = RENDERED["postgresql"]
    for d in OfKind(objects, "Deployment"):
      (env,) = Env(Containers(d)[0], "TRAINYARD_DATABASE_URL")
      self.assertNotIn("value", env, Name(d))
      ref = env["valueFrom"]["secretKeyRef"]
      self.assertEqual(ref["name"], DATABASE_SECRET, Name(d))
      self.assertTrue(ref["key"], Name(d))
      self.assertFalse(ref.get("optional", False), Name(d))

  def test_no_secret_is_written_in_the_manifests(self):
    for overlay, objects in sorted(RENDERED.items()):
      with self.subTest(overlay=overlay):
        self.assertEqual(OfKind(objects, "Secret"), [])
        text = yaml.safe_dump_all(objects)
        self.assertIsNone(re.search(r"postgres(ql)?://", text))
        self.assertIsNone(re.search(r"\bty_[0-9a-f]{16,}", text))  # API tokens

  def test_selectors_match_their_own_pods_only(self):
    for overlay, objects in sorted(RENDERED.items()):
      with self.subTest(overlay=overlay):
        deployments = OfKind(objects, "Deployment")
        for d in deployments:
          selector = d["spec"]["selector"]["matchLabels"]
          for other in deployments:
            self.assertEqual(Selects(selector, PodLabels(other)), other is d,
                             f"{Name(d)} selector vs {Name(other)}")

  def test_service_sends_to_the_api_servers_http_port_only(self):
    for overlay, objects in sorted(RENDERED.items()):
      with self.subTest(overlay=overlay):
        (svc,) = OfKind(objects, "Service")
        selector = svc["spec"]["selector"]
        for d in OfKind(objects, "Deployment"):
          self.assertEqual(Selects(selector, PodLabels(d)),
                           Subcommand(d) == "serve", Name(d))
        for d in ApiDeployments(objects):
          c = Containers(d)[0]
          for port in svc["spec"]["ports"]:
            self.assertEqual(ContainerPort(c, port["targetPort"]), ServePort(c))

  def test_disruption_budget_keeps_an_api_server_and_lets_drains_proceed(self):
    for overlay, objects in sorted(RENDERED.items()):
      with self.subTest(overlay=overlay):
        for pdb in OfKind(objects, "PodDisruptionBudget"):
          selector = pdb["spec"]["selector"]["matchLabels"]
          matched = [d for d in OfKind(objects, "Deployment")
                     if Selects(selector, PodLabels(d))]
          self.assertEqual(matched, ApiDeployments(objects), Name(pdb))
          replicas = sum(d["spec"]["replicas"] for d in matched)
          self.assertGreaterEqual(pdb["spec"]["minAvailable"], 1)
          self.assertLess(pdb["spec"]["minAvailable"], replicas)


class GymTemplateTest(unittest.TestCase):
  """deploy/k8s/*.yaml.tmpl, as products/gym/kubernetes.cc renders them."""

  def Rendered(self, name):
    with open(os.path.join(ds.DEPLOY_DIR, "k8s", name)) as f:
      text = f.read()
    placeholders = set(re.findall(r"\{\{(\w+)\}\}", text))
    self.assertLessEqual(placeholders, set(GYM_VALUES), name)
    for key, value in GYM_VALUES.items():
      text = text.replace("{{" + key + "}}", value)
    return yaml.safe_load(text)

  def test_templates_render_objects_that_match_the_schema(self):
    for name in ("deployment.yaml.tmpl", "service.yaml.tmpl"):
      obj = self.Rendered(name)
      self.assertEqual(ds.SchemaErrors(obj), [], name)

  def test_flags_exist_in_the_binary(self):
    (c,) = Containers(self.Rendered("deployment.yaml.tmpl"))
    for flag in ds.FlagsIn(c["args"]):
      self.assertIn(flag, ds.HelpFlags(BINARY, c["args"][0]))

  def test_service_selects_the_deployments_pods(self):
    deployment = self.Rendered("deployment.yaml.tmpl")
    service = self.Rendered("service.yaml.tmpl")
    self.assertTrue(Selects(service["spec"]["selector"],
                            PodLabels(deployment)))
    self.assertTrue(Selects(deployment["spec"]["selector"]["matchLabels"],
                            PodLabels(deployment)))


def main():
  global BINARY, KUBECTL
  if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
    print("usage: kubernetes_test.py TRAINYARD_BINARY (an executable)",
          file=sys.stderr)
    return 2
  BINARY = sys.argv[1]
  KUBECTL, why = FindKubectl()
  if not KUBECTL:
    print(f"SKIP: no kubectl that can render kustomizations ({why}); "
          "scripts/install-deps.sh installs Debian's kubernetes-client",
          flush=True)
    return ds.SKIP
  version = ds.Run([KUBECTL, "version", "--client"]).stdout.strip()
  print(f"kubectl: {KUBECTL} ({version.splitlines()[0] if version else '?'})")
  for overlay in EXPECTED_KINDS:
    try:
      RENDERED[overlay] = Render(overlay)
    except AssertionError as e:
      print(f"FAIL: {e}", flush=True)
      return 1
    print(f"rendered overlays/{overlay}: {len(RENDERED[overlay])} objects")
  sys.stdout.flush()
  result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
  return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
  sys.exit(main())
