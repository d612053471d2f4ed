//! A real SMTP server for tests: Python's aiosmtpd writing every message it receives to
//! a Maildir. Without python3 and aiosmtpd the tests that need it are skipped with a
//! notice, unless `CI=true`, where that is a failure.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Prints the received messages as JSON: envelope recipients, headers decoded, and the
/// plain-text body.
const READ_MAILDIR: &str = r#"
import json, mailbox, sys
from email import policy
from email.parser import BytesParser
box = mailbox.Maildir(sys.argv[1], create=False)
out = []
for key in sorted(box.keys()):
    msg = BytesParser(policy=policy.default).parsebytes(box.get_bytes(key))
    out.append({
        "rcpt_to": str(msg.get("X-RcptTo", "")),
        "to": str(msg.get("To", "")),
        "from": str(msg.get("From", "")),
        "subject": str(msg.get("Subject", "")),
        "message_id": str(msg.get("Message-ID", "")),
        "body": msg.get_body(preferencelist=("plain",)).get_content(),
    })
print(json.dumps(out))
"#;

/// One received message.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Received {
    pub rcpt_to: String,
    pub to: String,
    pub from: String,
    pub subject: String,
    pub message_id: String,
    pub body: String,
}

/// The server process; killed when dropped.
pub struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts aiosmtpd on a free loopback port and waits until it takes connections.
    pub fn start() -> Option<SmtpServer> {
        if !aiosmtpd_available() {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("python3 with aiosmtpd is needed when CI=true (pip install aiosmtpd)");
            }
            eprintln!("notice: python3 -m aiosmtpd is not available; skipping the SMTP test (pip install aiosmtpd)");
            return None;
        }
        let dir = tempfile::tempdir().expect("temporary directory");
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("server.log")).expect("log file");
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start aiosmtpd");
        let mut server = SmtpServer { child, port, dir };
        server.wait_until_listening();
        Some(server)
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, oldest first by file name.
    pub fn messages(&self) -> Vec<Received> {
        let maildir = self.maildir();
        if !maildir.exists() {
            return Vec::new();
        }
        let output = Command::new("python3")
            .args(["-c", READ_MAILDIR])
            .arg(&maildir)
            .output()
            .expect("run python3");
        assert!(
            output.status.success(),
            "reading the Maildir failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("messages as JSON")
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "aiosmtpd exited ({status}): {}",
                    std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn aiosmtpd_available() -> bool {
    Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}
