#!/usr/bin/python3
"""deploy/Dockerfile, checked without building it (no container engine or
image registry is needed): its runtime packages exist in Debian 12 and,
with what they depend on, provide every shared library the built binary
loads; the stages, user, volume, port, health check and command are the
ones docs/scale-out.md describes, and the command's flags exist.

  tests/deploy/image_test.py TRAINYARD_BINARY

Needs this machine to be Debian 12 (the image's base), else exits 77
(ctest: skipped) and says why.
"""

import os
import re
import sys
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean

import deploy_support as ds

DOCKERFILE = os.path.join(ds.DEPLOY_DIR, "Dockerfile")
RUNTIME_PACKAGES = os.path.join(ds.DEPLOY_DIR, "runtime-packages.txt")
UID = 10001  # deploy/kubernetes runs pods as this user too

BINARY = None


def RuntimePackages():
  with open(RUNTIME_PACKAGES) as f:
    return [line.split()[0] for line in f
            if line.strip() and not line.startswith("#")]


def RequiredPackages():
  """Packages of priority `required`: in every Debian image (debian:12-slim)."""
  out = ds.Run(["dpkg-query", "-W", "-f", "${Package} ${Priority}\n"])
  return {line.split()[0] for line in out.stdout.splitlines()
          if line.endswith(" required")}


def DependencyClosure(packages):
  """`packages` and everything they depend on (Depends, Pre-Depends)."""
  out = ds.Run(["apt-cache", "depends", "--recurse", "--no-recommends",
                "--no-suggests", "--no-conflicts", "--no-breaks",
                "--no-replaces", "--no-enhances"] + packages)
  if out.returncode != 0:
    raise AssertionError(f"apt-cache depends: {out.stderr}")
  return {line.strip() for line in out.stdout.splitlines()
          if line and not line[0].isspace()}


def LinkedLibraries(binary):
  """{soname: path} of every shared library `ldd` resolves for binary."""
  out = ds.Run(["ldd", binary])
  if out.returncode != 0:
    raise AssertionError(f"ldd {binary}: {out.stderr}")
  libs = {}
  for line in out.stdout.splitlines():
    m = re.match(r"\s*(\S+) => (\S+)", line)
    if m:
      libs[m.group(1)] = m.group(2)
  return libs


def OwningPackages(paths):
  """{path: package} for the paths dpkg knows (tries /usr-merged spellings)."""
  candidates = {}
  for path in paths:
    real = os.path.realpath(path)
    for c in {path, real, re.sub(r"^/usr/lib/", "/lib/", real),
              re.sub(r"^/lib/", "/usr/lib/", path)}:
      candidates.setdefault(c, set()).add(path)
  out = ds.Run(["dpkg", "-S"] + sorted(candidates))
  owners = {}
  for line in out.stdout.splitlines():
    pkgs, _, file = line.partition(": ")
    if file in candidates and ", " not in pkgs:
      for path in candidates[file]:
        owners[path] = pkgs.split(":")[0]
  return owners


class RuntimeStageTest(unittest.TestCase):

  def setUp(self):
    self.dockerfile = ds.Dockerfile(DOCKERFILE)
    self.runtime = self.dockerfile.runtime

  def Instr(self, name):
    return self.dockerfile.Instructions(self.runtime, name)

  def test_runtime_is_debian_12_slim_and_copies_only_the_binary(self):
    self.assertEqual(self.runtime["from"], "debian:12-slim")
    copies = self.Instr("COPY")
    from_build = [c for c in copies if c.startswith("--from=")]
    self.assertEqual(from_build, [
        "--from=build /src/build/release/src/cli/trainyard "
        "/usr/local/bin/trainyard"])

  def test_runtime_installs_the_runtime_package_list(self):
    runs = " ".join(self.Instr("RUN"))
    self.assertIn("apt-get install", runs)
    self.assertIn("/tmp/runtime-packages.txt", runs)
    self.assertIn("deploy/runtime-packages.txt /tmp/runtime-packages.txt",
                  self.Instr("COPY"))

  def test_runtime_packages_exist_in_debian_12(self):
    packages = RuntimePackages()
    self.assertTrue(packages)
    for pkg in packages:
      self.assertFalse(pkg.endswith("-dev"), f"{pkg}: headers at run time")
    # One call: each apt-cache start reads the whole cache (seconds).
    out = ds.Run(["apt-cache", "show", "--no-all-versions"] + packages)
    found = set(re.findall(r"(?m)^Package: (\S+)$", out.stdout))
    self.assertEqual(sorted(set(packages) - found), [],
                     "not in this Debian 12's apt cache (apt-get update?) "
                     + out.stderr)

  def test_runtime_packages_provide_every_library_the_binary_loads(self):
    available = DependencyClosure(RuntimePackages()) | RequiredPackages()
    libs = LinkedLibraries(BINARY)
    self.assertGreater(len(libs), 10)
    owners = OwningPackages(libs.values())
    for soname, path in sorted(libs.items()):
      self.assertIn(path, owners, f"{soname} ({path}) is in no package")
      self.assertIn(owners[path], available,
                    f"{soname}: package {owners[path]} is not installed by "
                    "deploy/runtime-packages.txt")

  def test_the_health_check_has_its_tool(self):
    (check,) = self.Instr("HEALTHCHECK")
    self.assertIn(ds.HEALTH_PATH, check)
    self.assertIn("curl", check)
    self.assertIn("curl", RuntimePackages())

  def test_runs_as_a_fixed_non_root_user(self):
    self.assertEqual(self.Instr("USER"), [f"{UID}:{UID}"])
    runs = " ".join(self.Instr("RUN"))
    self.assertIn(f"useradd --system --uid {UID} --gid {UID}", runs)

  def test_data_directory_is_the_volume(self):
    env = " ".join(self.Instr("ENV"))
    self.assertIn(f"TRAINYARD_HOME={ds.DATA_DIR}", env)
    self.assertEqual(self.Instr("VOLUME"), [f'["{ds.DATA_DIR}"]'])
    self.assertIn(f"chown {UID}:{UID} {ds.DATA_DIR}",
                  " ".join(self.Instr("RUN")))

  def test_serves_on_all_interfaces_on_the_exposed_port(self):
    self.assertEqual(ds.ExecForm(self.Instr("ENTRYPOINT")[0]), ["trainyard"])
    cmd = ds.ExecForm(self.Instr("CMD")[0])
    self.assertEqual(cmd, ["serve", "--bind", "0.0.0.0"])
    self.assertEqual(self.Instr("EXPOSE"), ["8000"])
    out = ds.Run([BINARY, "serve", "--help"]).stdout
    self.assertRegex(out, r"--port .*default 8000")
    for flag in ds.FlagsIn(cmd):
      self.assertIn(flag, ds.HelpFlags(BINARY, cmd[0]))


class BuildStageTest(unittest.TestCase):

  def test_builds_with_the_repositorys_own_scripts_and_preset(self):
    dockerfile = ds.Dockerfile(DOCKERFILE)
    build = dockerfile.stages[0]
    self.assertEqual((build["from"], build["name"]), ("debian:12", "build"))
    runs = dockerfile.Instructions(build, "RUN")
    self.assertTrue(runs[0].startswith("scripts/install-deps.sh --no-npm"))
    self.assertIn("cmake --preset release", runs[1])
    self.assertIn("cmake --build --preset release --target trainyard",
                  runs[1])
    self.assertEqual(len(dockerfile.stages), 2)


def main():
  global BINARY
  if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
    print("usage: image_test.py TRAINYARD_BINARY (an executable)",
          file=sys.stderr)
    return 2
  BINARY = sys.argv[1]
  with open("/etc/os-release") as f:
    release = dict(line.strip().split("=", 1) for line in f if "=" in line)
  if (release.get("ID"), release.get("VERSION_ID", "").strip('"')) != \
     ("debian", "12"):
    print("SKIP: the image's packages are checked against Debian 12's apt "
          f"cache; this machine is {release.get('PRETTY_NAME', '?')}",
          flush=True)
    return ds.SKIP
  result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
  return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
  sys.exit(main())
