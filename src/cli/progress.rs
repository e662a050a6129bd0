//! Progress of long operations: one indicatif bar per service on a terminal,
//! one line per step elsewhere (CI logs), nothing under `--quiet`.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use envctl::Environment;
use envctl::ops::progress::{Progress, Step};
use indicatif::{HumanBytes, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Bars {
    mode: Mode,
    state: Mutex<State>,
}

enum Mode {
    Bars(MultiProgress),
    Lines,
    Silent,
}

#[derive(Default)]
struct State {
    bars: HashMap<String, ProgressBar>,
    last: HashMap<String, String>,
    env: Option<String>,
}

impl Bars {
    pub fn new(terminal: bool, quiet: bool) -> Bars {
        let mode = match (quiet, terminal) {
            (true, _) => Mode::Silent,
            (false, true) => {
                Mode::Bars(MultiProgress::with_draw_target(ProgressDrawTarget::stderr()))
            }
            (false, false) => Mode::Lines,
        };
        Bars {
            mode,
            state: Mutex::new(State::default()),
        }
    }

    /// Stops the spinners, leaving their last lines on screen.
    pub fn finish(&self) {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        for bar in state.bars.values() {
            if !bar.is_finished() {
                bar.abandon();
            }
        }
    }
}

fn describe(step: &Step) -> String {
    match step {
        Step::Pulling { done, total } if *total > 0 => {
            format!("pulling {} / {}", HumanBytes(*done), HumanBytes(*total))
        }
        Step::Pulling { .. } => "pulling".into(),
        Step::Creating => "creating".into(),
        Step::Starting => "starting".into(),
        Step::WaitingFor { service, condition } => {
            let what = match condition {
                envctl::config::Condition::Started => "to start",
                envctl::config::Condition::Ready => "to be ready",
                envctl::config::Condition::Completed => "to complete",
            };
            format!("waiting for {service} {what}")
        }
        Step::Waiting => "waiting until ready".into(),
        Step::Ready => "ready".into(),
        Step::Stopping => "stopping".into(),
        Step::Stopped => "stopped".into(),
        Step::Archiving { .. } => "archiving".into(),
        Step::Restoring { .. } => "restoring".into(),
        Step::Copied { bytes, files } => format!("copied {} in {files} files", HumanBytes(*bytes)),
        Step::NotRestored => "not restored: the template has no volume of this name".into(),
        Step::Failed(reason) => format!("failed: {reason}"),
    }
}

/// A bar of bytes with its rate and time left (archives and restores).
fn bytes_style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{spinner:.cyan} {prefix:<12.bold} {msg} [{bar:24}] {bytes} / {total_bytes} \
         {binary_bytes_per_sec} eta {eta} {elapsed:.dim}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ")
}

impl Progress for Bars {
    fn service(&self, service: &str, step: Step) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let text = describe(&step);
        match &self.mode {
            Mode::Silent => {}
            Mode::Lines => {
                // One line per change of step, not per byte pulled.
                let kind = text
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                if state.last.get(service) != Some(&kind) {
                    let env = state.env.clone().unwrap_or_default();
                    let _ = writeln!(std::io::stderr(), "{env}{service}: {text}");
                    state.last.insert(service.to_owned(), kind);
                }
            }
            Mode::Bars(multi) => {
                let bar = state
                    .bars
                    .entry(service.to_owned())
                    .or_insert_with(|| {
                        let bar = multi.add(ProgressBar::new_spinner());
                        let style = ProgressStyle::with_template(
                            "{spinner:.cyan} {prefix:<12.bold} {msg} {elapsed:.dim}",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_spinner());
                        bar.set_style(style);
                        bar.set_prefix(service.to_owned());
                        bar.enable_steady_tick(Duration::from_millis(100));
                        bar
                    })
                    .clone();
                match step {
                    Step::Archiving { done, total } | Step::Restoring { done, total }
                        if total > 0 =>
                    {
                        if bar.length() != Some(total) {
                            bar.set_style(bytes_style());
                            bar.set_length(total);
                        }
                        bar.set_position(done.min(total));
                        bar.set_message(text);
                    }
                    Step::Copied { .. } => {
                        if let Some(total) = bar.length() {
                            bar.set_position(total);
                        }
                        bar.finish_with_message(format!("✔ {text}"))
                    }
                    Step::NotRestored => bar.abandon_with_message(format!("- {text}")),
                    Step::Ready | Step::Stopped => bar.finish_with_message(format!("✔ {text}")),
                    Step::Failed(_) => bar.abandon_with_message(format!("✘ {text}")),
                    _ => bar.set_message(text),
                }
            }
        }
    }

    fn wants_totals(&self) -> bool {
        matches!(self.mode, Mode::Bars(_))
    }

    fn environment(&self, env: &Environment) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.env = Some(format!("[{}] ", env.name));
    }
}
