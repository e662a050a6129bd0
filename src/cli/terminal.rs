//! The local terminal while a command runs attached in a container: its size
//! (sent as the command's terminal size, again on SIGWINCH) and raw mode
//! (keys go to the command as typed, Ctrl-C included), restored on every
//! way out, a panic's unwinding included.

use envctl::engine::TerminalSize;

/// The size of the terminal on stdout (else stdin), when there is one.
pub fn size() -> Option<TerminalSize> {
    [libc::STDOUT_FILENO, libc::STDIN_FILENO]
        .into_iter()
        .find_map(|fd| {
            // SAFETY: TIOCGWINSZ writes one winsize into the struct we own.
            let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
            let ok = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) } == 0;
            (ok && ws.ws_col > 0 && ws.ws_row > 0).then_some(TerminalSize {
                cols: ws.ws_col,
                rows: ws.ws_row,
            })
        })
}

/// Stdin's terminal in raw mode until dropped.
pub struct RawMode {
    saved: libc::termios,
}

impl RawMode {
    /// Puts stdin's terminal in raw mode; `None` when stdin is not one.
    pub fn enter() -> Option<RawMode> {
        // SAFETY: tcgetattr and tcsetattr read and write a termios we own.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut saved) } != 0 {
            return None;
        }
        let mut raw = saved;
        unsafe { libc::cfmakeraw(&mut raw) };
        if unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &raw) } != 0 {
            return None;
        }
        Some(RawMode { saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // SAFETY: as above; restoring what `enter` read.
        unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &self.saved) };
    }
}
