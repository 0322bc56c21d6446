//! The poller is supervised: if it ends before shutdown (a panic, or a return), `/healthz`
//! fails, one error line says why, the web side stops, and `Exporter::serve` returns an error
//! (which the binary turns into a non-zero exit, so that the container is restarted). A
//! shutdown, on the other hand, stops both and returns `Ok`.
//!
//! The tests run `serve` with a poller whose end they choose (`serve_with_poller`): the
//! same thread, runtime and supervision as the real schedule.

use std::net::SocketAddr;
use std::time::Duration;

use scaleway_exporter::exporter::{Exporter, ServeError};
use scaleway_exporter::Shutdown;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// Longer than any of these tests takes; only a bound on a wait that should end at once.
use crate::common::*;

const BOUND: Duration = Duration::from_secs(20);

async fn exporter() -> (TestApi, Exporter) {
    let api = start_simulator(simulator_config(&["fr-par-1"], 2)).await;
    let config = exporter_config(&api.url, &["fr-par-1"], api.simulator.token());
    (api, Exporter::new(&config).unwrap())
}

async fn status(address: SocketAddr, path: &str) -> u16 {
    reqwest::get(format!("http://{address}{path}"))
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A connection that has sent all of a GET of `path` but the blank line that ends it.
async fn halfway_through(address: SocketAddr, path: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let head = format!("GET {path} HTTP/1.1\r\nHost: exporter\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

async fn finish(mut stream: TcpStream) -> String {
    stream.write_all(b"\r\n").await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(BOUND, stream.read_to_string(&mut response))
        .await
        .expect("the exporter answers and closes the connection")
        .unwrap();
    response
}

#[tokio::test]
async fn a_panicking_poller_fails_healthz_stops_the_web_side_and_serve_returns_the_panic() {
    let (logs, _guard) = CapturedLogs::start();
    let (_api, exporter) = exporter().await;
    let liveness = exporter.liveness.clone();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (_never_stopped, shutdown) = Shutdown::new();
    let (kill, killed) = oneshot::channel::<()>();
    let serving = tokio::spawn(exporter.serve_with_poller(
        listener,
        shutdown.wait(),
        move |_stop| async move {
            let _ = killed.await;
            panic!("an invariant of the test poller broke");
        },
    ));
    assert_eq!(status(address, "/healthz").await, 200);

    // Two clients are halfway through their requests when the poller dies. A request on a
    // later connection is answered, so the server has accepted theirs (in order).
    let health = halfway_through(address, "/healthz").await;
    let readiness = halfway_through(address, "/readyz").await;
    assert_eq!(status(address, "/healthz").await, 200);

    kill.send(()).unwrap();
    let how = tokio::time::timeout(BOUND, liveness.wait_ended())
        .await
        .unwrap();
    assert_eq!(&*how, "it panicked");

    // Meanwhile, the requests in flight are told, in plain words (the panic's message is for
    // the log: `/healthz` needs no password).
    let response = finish(health).await;
    assert!(response.starts_with("HTTP/1.1 503 "), "{response}");
    assert!(
        response.ends_with(
            "\r\n\r\nthe poller has ended (it panicked); the exporter is stopping, see its log\n"
        ),
        "{response}"
    );
    let response = finish(readiness).await;
    assert!(response.starts_with("HTTP/1.1 503 "), "{response}");

    let error = tokio::time::timeout(BOUND, serving)
        .await
        .expect("serve returns once the requests in flight are answered")
        .unwrap()
        .unwrap_err();
    assert!(matches!(error, ServeError::PollerEnded(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "the poller ended before shutdown: it panicked: an invariant of the test poller broke"
    );
    assert!(
        TcpStream::connect(address).await.is_err(),
        "the web side has stopped listening"
    );
    let errors: Vec<String> = logs
        .lines()
        .into_iter()
        .filter(|line| line.contains(" ERROR "))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("the poller ended before shutdown")
            && errors[0].contains("an invariant of the test poller broke"),
        "{errors:#?}"
    );
}

#[tokio::test]
async fn a_poller_that_returns_before_shutdown_ends_serve_with_an_error_too() {
    // Every test that makes the error line listens for it: while only one thread has a
    // subscriber, tracing decides from the thread that first reaches a line whether anyone
    // listens to it, for every thread.
    let (logs, _guard) = CapturedLogs::start();
    let (_api, exporter) = exporter().await;
    let liveness = exporter.liveness.clone();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (_never_stopped, shutdown) = Shutdown::new();
    let served = tokio::time::timeout(
        BOUND,
        exporter.serve_with_poller(listener, shutdown.wait(), |_stop| async {}),
    )
    .await
    .expect("serve returns once its poller has returned");
    match served {
        Err(ServeError::PollerEnded(reason)) => assert_eq!(reason, "it returned"),
        other => panic!("{other:?}"),
    }
    assert_eq!(liveness.ended().as_deref(), Some("it returned"));
    let errors = logs
        .lines()
        .into_iter()
        .filter(|line| line.contains(" ERROR "))
        .count();
    assert_eq!(errors, 1);
}

#[tokio::test]
async fn a_shutdown_stops_the_poller_and_serve_returns_ok() {
    let (_api, exporter) = exporter().await;
    let liveness = exporter.liveness.clone();
    let poller = exporter.poller.clone();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, shutdown) = Shutdown::new();
    let serving = tokio::spawn(exporter.serve(listener, shutdown.wait()));
    // The real schedule polls at once.
    tokio::time::timeout(BOUND, async {
        while status(address, "/readyz").await != 200 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the first poll ends");
    assert_eq!(poller.latest().snapshot.server_count(), 2);

    stop.send(true).unwrap();
    let served = tokio::time::timeout(BOUND, serving).await.unwrap().unwrap();
    assert!(served.is_ok(), "{served:?}");
    assert_eq!(liveness.ended(), None);
}

/// A listener that breaks (here: shut down under the server, so that accept answers
/// `EINVAL`) ends `serve` with the web side's error, for the process to exit non-zero and be
/// restarted; `ServeError::Web` was once never returned, whatever the listener did.
#[tokio::test]
async fn a_broken_listener_ends_serve_with_the_web_sides_error() {
    use std::os::fd::AsRawFd as _;

    let (_api, exporter) = exporter().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let fd = listener.as_raw_fd();
    let (_stop, shutdown) = Shutdown::new();
    let serving = tokio::spawn(exporter.serve(listener, shutdown.wait()));
    tokio::time::sleep(Duration::from_millis(100)).await;
    // SAFETY: shutdown(2) on a socket this test bound; the fd stays open, owned by the server.
    let done = unsafe { libc::shutdown(fd, libc::SHUT_RDWR) };
    assert_eq!(done, 0);
    let ended = tokio::time::timeout(BOUND, serving)
        .await
        .expect("serve ends")
        .unwrap();
    match ended {
        Err(ServeError::Web(error)) => {
            assert_eq!(error.raw_os_error(), Some(libc::EINVAL), "{error}");
        }
        other => panic!("{other:?}"),
    }
}
