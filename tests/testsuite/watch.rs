//! `bulletin watch`: the library's watch loop, driven by editing files of a project copy and waiting
//! (generously) for the rebuild it causes.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bulletin::compile::FontSources;
use bulletin::pipeline::Pipeline;
use bulletin::project::Project;
use bulletin::watch::{self, Until};

use crate::support::{GOOD, TestProject, pdf_text};

/// What the test learns of each build: its number, and whether it succeeded.
type Report = (usize, bool);

/// Waits for a build that satisfies `wanted`, skipping others (an editor's save may come as more
/// than one change); fails after five minutes.
fn wait_for(rx: &mpsc::Receiver<Report>, wanted: impl Fn(&Report) -> bool) -> Report {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let report = rx
            .recv_timeout(left)
            .expect("the watch rebuilt nothing within five minutes");
        if wanted(&report) {
            return report;
        }
    }
}

/// Replaces the file whole, as most editors save.
fn save(path: &Path, text: &str) {
    let tmp = path.with_extension("yaml.tmp-save");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn watch_rebuilds_on_an_edit_and_keeps_the_last_good_pdf_while_the_issue_has_errors() {
    let project = TestProject::new();
    project.write("content/099/issue.yaml", GOOD);
    let root = project.root().to_path_buf();
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<Report>();
    let watcher = {
        let stop = stop.clone();
        let root = root.clone();
        std::thread::spawn(move || {
            let project = Project { root: root.clone() };
            let mut pipeline = Pipeline::new(project, FontSources::ShippedOnly).unwrap();
            let until = Until {
                stop: &stop,
                rebuilds: None,
            };
            watch::watch(
                &mut pipeline,
                &root.join("content/099"),
                until,
                &mut |rebuild| {
                    let _ = tx.send((rebuild.number, rebuild.result.is_ok()));
                },
            )
        })
    };
    let issue = project.path("content/099/issue.yaml");
    let pdf = project.path("output/099/第099期.pdf");

    assert_eq!(wait_for(&rx, |_| true), (0, true), "the first build");
    assert!(pdf_text(&std::fs::read(&pdf).unwrap()).contains("一段话。"));

    save(&issue, &GOOD.replace("一段话。", "改过的一段话。"));
    // A build for a change noticed before the save (the test wrote the issue just before the watch
    // started) may come first: wait for the build that shows the edit.
    let (number, _) = wait_for(&rx, |(_, ok)| {
        *ok && pdf_text(&std::fs::read(&pdf).unwrap()).contains("改过的一段话。")
    });
    assert!(number >= 1);

    // A mistake: reported, the watch goes on, the PDF stays as it was.
    let good = std::fs::read(&pdf).unwrap();
    save(&issue, &GOOD.replace("2022-05-01", "2022-13-01"));
    wait_for(&rx, |(_, ok)| !*ok);
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        good,
        "a failed build replaced the PDF"
    );

    // Fixed: rebuilt. A change of the templates counts too.
    save(&issue, GOOD);
    wait_for(&rx, |(_, ok)| *ok);
    project.edit("templates/theme.typ", |t| t + "\n// edited\n");
    wait_for(&rx, |(_, ok)| *ok);

    stop.store(true, Ordering::SeqCst);
    watcher.join().unwrap().unwrap();
}

#[test]
fn watch_stops_after_as_many_rebuilds_as_asked() {
    let project = TestProject::new();
    project.write("content/099/issue.yaml", GOOD);
    let mut pipeline = Pipeline::new(
        Project {
            root: project.root().to_path_buf(),
        },
        FontSources::ShippedOnly,
    )
    .unwrap();
    let stop = AtomicBool::new(false);
    let mut builds = 0;
    let until = Until {
        stop: &stop,
        rebuilds: Some(0),
    };
    watch::watch(
        &mut pipeline,
        &project.path("content/099"),
        until,
        &mut |rebuild| {
            assert!(rebuild.result.is_ok());
            builds += 1;
        },
    )
    .unwrap();
    assert_eq!(builds, 1);
    assert!(project.path("output/099/第099期.pdf").is_file());
}

/// The command itself: a status line per build with the time and the page count, and a clean stop
/// on Ctrl-C (SIGINT).
#[cfg(unix)]
#[test]
fn the_watch_command_prints_a_status_line_and_stops_cleanly_on_ctrl_c() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let project = TestProject::new();
    project.write("content/099/issue.yaml", GOOD);
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["watch", "099", "--no-system-fonts"])
        .current_dir(project.root())
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run bulletin watch");
    let (tx, rx) = mpsc::channel::<String>();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    let status = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(300))
            .expect("no status line within five minutes");
        if line.starts_with('[') {
            break line;
        }
    };
    // [10:42:03] 第099期已生成（1 页，0.12 秒）
    let (clock, rest) = status.split_once("] ").expect(&status);
    let clock = clock.trim_start_matches('[');
    assert!(
        clock.len() == 8 && clock.split(':').all(|p| p.parse::<u8>().is_ok()),
        "{status}"
    );
    assert!(rest.starts_with("第099期已生成（1 页，"), "{status}");
    assert!(rest.ends_with(" 秒）"), "{status}");

    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let exit = child.wait().unwrap();
    reader.join().unwrap();
    let rest: Vec<String> = rx.try_iter().collect();
    assert!(exit.success(), "exit {exit:?}, then {rest:?}");
    assert_eq!(
        rest.last().map(String::as_str),
        Some("已停止监视。"),
        "{rest:?}"
    );
}
