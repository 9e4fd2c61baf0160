//! The README's cluster recipes, as written: its Slurm scripts submitted to a real one-node
//! Slurm (`.ci/slurm.sh`), and its Kubernetes manifests validated against the API schema and
//! their commands run with each completion index. Either way the merged files must be the
//! bytes of one unsharded run.
//!
//! Where Slurm or the validator is missing (build.rs looks), `cargo test` reports the test as
//! ignored with the reason; with `PEAKPATH_CI=1` (set by `.ci/run`, which installs both) it
//! runs, and fails if the tool is missing after all. A tool found that still cannot start the
//! cluster makes the test say so on the terminal and return.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::util::{TempDir, first_difference, read, read_string, root};

/// Say something on the terminal even though the test harness captures `eprintln!`.
fn loud(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{msg}");
}

/// A test that cannot run here: fail in CI, else say so loudly and skip.
fn skip(test: &str, why: &str) {
    if std::env::var_os("PEAKPATH_CI").is_some_and(|v| v == "1") {
        panic!("{test}: cannot run in CI: {why}");
    }
    loud(&format!("SKIPPED {test}: {why}"));
}

/// The README's "Clusters" section.
fn clusters_section() -> String {
    let text = read_string(root().join("README.md"));
    let start = text
        .find("\n## Clusters\n")
        .expect("README.md has a \"## Clusters\" section");
    let rest = &text[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    rest[..end].to_string()
}

/// The code blocks of a README section with the given language tag.
fn blocks(section: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    for line in section.lines() {
        match &mut cur {
            None if line.trim() == format!("```{lang}") => cur = Some(String::new()),
            Some(b) if line.trim() == "```" => {
                out.push(std::mem::take(b));
                cur = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    out
}

/// The README's shell script named `name` (its first comment line says `# NAME …`).
fn readme_script(name: &str) -> String {
    let section = clusters_section();
    blocks(&section, "bash")
        .into_iter()
        .find(|b| {
            b.lines().find(|l| l.starts_with("# ")).is_some_and(|l| {
                l[2..].starts_with(&format!("{name} ")) || l[2..].starts_with(&format!("{name}:"))
            })
        })
        .unwrap_or_else(|| panic!("README.md, Clusters: no ```bash block named {name}"))
}

/// The folder of the built `peakpath`, to put first on a job's PATH.
fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_peakpath"))
        .parent()
        .expect("binary folder")
        .to_path_buf()
}

fn path_with_bin() -> std::ffi::OsString {
    let mut paths = vec![bin_dir()];
    if let Some(p) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(paths).expect("PATH")
}

/// Run a command, panicking with its output unless it succeeds; its stdout.
#[track_caller]
fn check(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `run.json` or `sensitivity.json` without what may differ between a merge and one run.
fn json_without_timing(p: &Path) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(&read(p)).unwrap();
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("elapsed_s");
                m.remove("threads");
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

/// Every file under `want` (recursively) is in `got` with the same bytes (JSON summaries up
/// to their timings), and `got` has no file `want` lacks; returns how many were compared.
#[track_caller]
fn same_results(want: &Path, got: &Path) -> usize {
    fn files(dir: &Path, base: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let p = e.unwrap().path();
            if p.is_dir() {
                files(&p, base, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_path_buf());
            }
        }
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    files(want, want, &mut a);
    files(got, got, &mut b);
    a.sort();
    b.sort();
    assert_eq!(
        a,
        b,
        "{} and {} hold other files",
        want.display(),
        got.display()
    );
    for f in &a {
        let (x, y) = (want.join(f), got.join(f));
        let name = f.to_string_lossy();
        if name == "run.json" || name == "sensitivity.json" {
            assert_eq!(json_without_timing(&x), json_without_timing(&y), "{name}");
        } else {
            let (bx, by) = (read(&x), read(&y));
            assert!(
                bx == by,
                "{} and {} differ: {}",
                x.display(),
                y.display(),
                first_difference(&bx, &by)
            );
        }
    }
    a.len()
}

/// The content of a (sealed) shard file.
fn shard_body(p: &Path) -> serde_json::Value {
    peakpath::output::read_sealed(p, peakpath::runner::PARTIAL_FORMAT, "a shard").unwrap()
}

// ------------------------------------------------------------------------------- Slurm

/// A one-node Slurm cluster started by `.ci/slurm.sh`; stopped when dropped, also when the
/// test fails half-way.
struct Slurm {
    dir: TempDir,
}

impl Slurm {
    /// Start the cluster, or say why it cannot be started.
    fn start() -> Result<Slurm, String> {
        for b in ["slurmctld", "slurmd", "sbatch", "munged"] {
            let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
                .any(|d| d.join(b).is_file());
            if !found {
                return Err(format!(
                    "{b} not found (Debian: .ci/slurm.sh install, i.e. apt-get install slurm-wlm munge)"
                ));
            }
        }
        // Free ports for the controller and the node daemon.
        let port = || {
            std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port().to_string())
                .map_err(|e| format!("no free port: {e}"))
        };
        let (p1, p2) = (port()?, port()?);
        // The guard exists before anything starts: whatever happens next, Drop stops it.
        let cluster = Slurm {
            dir: TempDir::new("slurm"),
        };
        let out = Command::new(root().join(".ci/slurm.sh"))
            .args([
                "start".as_ref(),
                cluster.dir.join("c").as_os_str(),
                p1.as_ref(),
                p2.as_ref(),
            ])
            // Room for four 16-CPU shards at once, as the README's scripts ask.
            .env("SLURM_NODE_CPUS", "64")
            .output()
            .map_err(|e| format!(".ci/slurm.sh: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                ".ci/slurm.sh start failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(cluster)
    }

    fn conf(&self) -> PathBuf {
        self.dir.join("c/slurm.conf")
    }

    /// A command talking to this cluster.
    fn cmd(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("SLURM_CONF", self.conf())
            .env("PATH", path_with_bin());
        c
    }

    /// Wait until job `id` has completed; panic with the job's logs if it fails.
    fn wait(&self, id: &str, workdir: &Path, limit: Duration) {
        let started = Instant::now();
        loop {
            let info = check(self.cmd("scontrol").args(["show", "job", "-o", id]));
            let field = |k: &str| {
                info.split_whitespace()
                    .find_map(|f| f.strip_prefix(&format!("{k}=")))
                    .unwrap_or("")
                    .to_string()
            };
            let state = field("JobState");
            match state.as_str() {
                "COMPLETED" => return,
                "PENDING" | "RUNNING" | "CONFIGURING" | "COMPLETING" | "SUSPENDED"
                    if started.elapsed() < limit => {}
                _ => panic!(
                    "job {id}: {state} (reason {}) after {:.0} s\n{}",
                    field("Reason"),
                    started.elapsed().as_secs_f64(),
                    self.logs(workdir)
                ),
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// The jobs' output files and the end of the daemons' logs.
    fn logs(&self, workdir: &Path) -> String {
        let mut s = String::new();
        let mut outs: Vec<PathBuf> = std::fs::read_dir(workdir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        outs.retain(|p| p.extension().is_some_and(|e| e == "out"));
        outs.sort();
        for p in outs.iter().chain(
            ["c/log/slurmctld.log", "c/log/slurmd.log"]
                .map(|f| self.dir.join(f))
                .iter(),
        ) {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(15).collect();
            s += &format!("--- {}\n", p.display());
            for l in tail.into_iter().rev() {
                s += l;
                s.push('\n');
            }
        }
        s
    }
}

impl Drop for Slurm {
    fn drop(&mut self) {
        let out = Command::new(root().join(".ci/slurm.sh"))
            .arg("stop")
            .arg(self.dir.join("c"))
            .output();
        if !out.is_ok_and(|o| o.status.success()) {
            loud("warning: .ci/slurm.sh stop failed; daemons may be left running");
        }
    }
}

/// Write the README's scripts into `dir` and run `submit` with `shard_script` there; the
/// last line it prints is the final merge job's id.
fn submit(
    cluster: &Slurm,
    dir: &Path,
    submit: &str,
    shard_script: &str,
    env: &[(&str, &str)],
) -> String {
    std::fs::create_dir_all(dir).unwrap();
    for name in [
        "shard.sh",
        "sensitivity-shard.sh",
        "merge.sh",
        "merge-group.sh",
        submit,
    ] {
        std::fs::write(dir.join(name), readme_script(name)).unwrap();
    }
    let mut c = cluster.cmd("bash");
    c.arg(submit).arg(shard_script).current_dir(dir);
    c.env("SCENARIO", root().join("scenarios/plan.toml"));
    for (k, v) in env {
        c.env(k, v);
    }
    let out = check(&mut c);
    let last = out.lines().last().unwrap_or("").trim();
    let id = last.split(';').next().unwrap_or("");
    assert!(
        !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()),
        "{submit}: expected a job id on its last line, found {out:?}"
    );
    id.to_string()
}

/// The README's Slurm job arrays, on a real Slurm: `run` shards with a one-level merge and
/// `sensitivity` shards merged as a tree, each the bytes of one unsharded run.
#[test]
#[cfg_attr(
    not(peakpath_has_slurm),
    ignore = "needs Slurm (slurm-wlm, munge; .ci/run installs them)"
)]
fn readme_slurm_job_arrays_merge_to_one_run() {
    const TEST: &str = "readme_slurm_job_arrays_merge_to_one_run";
    let started = Instant::now();
    let cluster = match Slurm::start() {
        Ok(c) => c,
        Err(why) => return skip(TEST, &why),
    };
    let tmp = TempDir::new("slurm-jobs");
    // Monte Carlo: 4 shards of 2,000 runs, one merge.
    let run_dir = tmp.join("run");
    let run_job = submit(
        &cluster,
        &run_dir,
        "submit.sh",
        "shard.sh",
        &[("N", "4"), ("RUNS", "2000")],
    );
    // Sobol': 5 shards of the 64 · (k + 2) design rows, groups of 2 (1–2, 3–4, 5), final merge.
    let sens_dir = tmp.join("sensitivity");
    let sens_job = submit(
        &cluster,
        &sens_dir,
        "submit-tree.sh",
        "sensitivity-shard.sh",
        &[("N", "5"), ("GROUP_SIZE", "2"), ("SAMPLES", "64")],
    );

    // Meanwhile, the same work unsharded, with the README's arguments.
    let plan = root().join("scenarios/plan.toml");
    let single = |args: &[&str]| {
        check(
            Command::new(env!("CARGO_BIN_EXE_peakpath"))
                .args(args)
                .current_dir(tmp.join(".")),
        )
    };
    let shard_sh = readme_script("shard.sh");
    assert!(shard_sh.contains("--seed 7"), "{shard_sh}");
    single(&[
        "run",
        plan.to_str().unwrap(),
        "--runs",
        "2000",
        "--seed",
        "7",
        "--out",
        &tmp.arg("run-single"),
    ]);
    let sens_sh = readme_script("sensitivity-shard.sh");
    assert!(
        sens_sh.contains("--method sobol")
            && sens_sh.contains("--outcome co2:2030 --outcome met:5:2025"),
        "{sens_sh}"
    );
    single(&[
        "sensitivity",
        plan.to_str().unwrap(),
        "--method",
        "sobol",
        "--samples",
        "64",
        "--outcome",
        "co2:2030",
        "--outcome",
        "met:5:2025",
        "--out",
        &tmp.arg("sensitivity-single"),
    ]);

    let limit = Duration::from_secs(240);
    cluster.wait(&run_job, &run_dir, limit);
    cluster.wait(&sens_job, &sens_dir, limit);

    // Every shard ran as its own array task, with its K/N.
    for k in 1..=4 {
        let p = shard_body(&run_dir.join(format!("shards/{k}/shard.json")));
        assert_eq!(p["shard"], serde_json::json!([k, 4]), "shard {k}");
        assert_eq!(p["acc"]["runs"], 500, "shard {k}");
    }
    for g in 1..=3 {
        assert!(
            sens_dir
                .join(format!("groups/{g}/sensitivity_shard.json"))
                .is_file(),
            "group {g} of the tree"
        );
    }
    let n_run = same_results(&tmp.join("run-single"), &run_dir.join("results"));
    let n_sens = same_results(&tmp.join("sensitivity-single"), &sens_dir.join("results"));
    assert!(
        n_run >= 6 && n_sens >= 5,
        "{n_run} and {n_sens} files compared"
    );
    loud(&format!(
        "{TEST}: Slurm job arrays merged to the bytes of one run ({n_run} + {n_sens} files) in {:.1} s",
        started.elapsed().as_secs_f64()
    ));
}

// -------------------------------------------------------------------------- Kubernetes

/// The README's ```yaml block.
fn manifest_text() -> String {
    let yaml = blocks(&clusters_section(), "yaml");
    assert_eq!(yaml.len(), 1, "README.md, Clusters: one ```yaml block");
    yaml[0].clone()
}

/// The README's manifests, one YAML document each.
fn manifests() -> Vec<String> {
    manifest_text()
        .split("\n---\n")
        .map(str::to_string)
        .collect()
}

/// The value of the first `key: value` line of a manifest (block style).
fn yaml_value(doc: &str, key: &str) -> String {
    doc.lines()
        .find_map(|l| {
            l.trim()
                .trim_start_matches("- ")
                .strip_prefix(&format!("{key}:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| panic!("manifest has no {key}: line:\n{doc}"))
}

/// A container's `command: [...]` (a flow sequence of double-quoted strings, i.e. JSON).
fn command(doc: &str) -> Vec<String> {
    serde_json::from_str(&yaml_value(doc, "command")).expect("command is a JSON-style list")
}

fn validator() -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .chain([root().join("target/ci-venv/bin")])
        .map(|d| d.join("kubernetes-validate"))
        .find(|p| p.is_file())
}

/// The README's Indexed Job and merge Job are valid `batch/v1` Jobs for the Kubernetes API
/// (strict: no unknown field), and a misspelt field is caught.
#[test]
#[cfg_attr(
    not(peakpath_has_kubernetes_validate),
    ignore = "needs kubernetes-validate (pip install kubernetes-validate; .ci/run installs it in target/ci-venv)"
)]
fn readme_kubernetes_manifests_validate() {
    const TEST: &str = "readme_kubernetes_manifests_validate";
    let Some(kv) = validator() else {
        return skip(
            TEST,
            "kubernetes-validate not found (pip install kubernetes-validate; .ci/run installs it in target/ci-venv)",
        );
    };
    let docs = manifests();
    assert_eq!(docs.len(), 2, "the shards' Indexed Job and the merge Job");
    let tmp = TempDir::new("k8s");
    let file = tmp.join("jobs.yaml");
    std::fs::write(&file, manifest_text()).unwrap();
    let out = check(Command::new(&kv).arg("--strict").arg(&file));
    assert_eq!(out.matches("passed for resource job/").count(), 2, "{out}");
    // The validator does reject what the API would: a misspelt field of a Job spec.
    let bad = tmp.join("bad.yaml");
    std::fs::write(&bad, docs[0].replace("parallelism:", "paralelism:")).unwrap();
    let o = Command::new(&kv)
        .arg("--strict")
        .arg(&bad)
        .output()
        .unwrap();
    assert!(
        !o.status.success() && String::from_utf8_lossy(&o.stdout).contains("paralelism"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// Each completion index 0…N-1 runs shard index+1 of N: the Indexed Job's own command lines
/// with the volume in a temporary folder, then the merge Job's, give one unsharded run.
#[test]
fn readme_kubernetes_indexed_job_shards_merge_to_one_run() {
    let docs = manifests();
    let (shards, merge) = (&docs[0], &docs[1]);
    assert_eq!(yaml_value(shards, "completionMode"), "Indexed");
    let n: u64 = yaml_value(shards, "completions").parse().unwrap();
    let mount = yaml_value(shards, "volumeMounts");
    assert!(mount.contains("mountPath: /data"), "{mount}");
    let tmp = TempDir::new("k8s-run");
    let data = tmp.join("data");
    std::fs::create_dir_all(&data).unwrap();
    for f in ["plan.toml", "baseline.toml"] {
        std::fs::copy(root().join("scenarios").join(f), data.join(f)).unwrap();
    }
    let runs = 100 * n;
    let run_cmd = |cmd: &[String], index: Option<u64>| {
        assert_eq!(&cmd[..2], ["sh", "-c"], "{cmd:?}");
        let line = cmd[2].replace("/data/", &format!("{}/", data.display()));
        let mut c = Command::new("sh");
        c.args(["-c", &line])
            .env("PATH", path_with_bin())
            .env("RUNS", runs.to_string());
        if let Some(i) = index {
            c.env("JOB_COMPLETION_INDEX", i.to_string());
        }
        check(&mut c);
    };
    let shard_cmd = command(shards);
    assert!(shard_cmd[2].contains("--runs $RUNS"), "{shard_cmd:?}");
    for i in 0..n {
        run_cmd(&shard_cmd, Some(i));
        let p = shard_body(&data.join(format!("shards/{i}/shard.json")));
        assert_eq!(p["shard"], serde_json::json!([i + 1, n]), "index {i}");
        assert_eq!(p["start"], 100 * i, "index {i}");
        assert_eq!(p["end"], 100 * (i + 1), "index {i}");
    }
    run_cmd(&command(merge), None);
    check(
        Command::new(env!("CARGO_BIN_EXE_peakpath"))
            .args(["run", "--runs", &runs.to_string(), "--seed", "7", "--out"])
            .arg(tmp.join("single"))
            .arg(data.join("plan.toml")),
    );
    same_results(&tmp.join("single"), &data.join("results"));
}
