//! The server loop on a real socket (loopback only): idle connections do not keep other
//! clients out, and 64 busy connections from one address (the load benchmarks) are all
//! served.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::support::sample_app;

/// A connection to `addr` whose reads give up after `timeout`.
fn connect(addr: SocketAddr, timeout: Duration) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connects");
    stream.set_read_timeout(Some(timeout)).expect("a timeout");
    stream
}

/// Sends one GET on `stream` and reads the answer (which must give its length); returns
/// the status. Blocking.
fn get(stream: &mut TcpStream, path: &str, close: bool) -> u16 {
    let connection = if close { "close" } else { "keep-alive" };
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: {connection}\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("request sent");
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).expect("an answer");
        assert!(n > 0, "the connection closed before the answer to {path}");
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {head}"));
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or_else(|| panic!("a content-length: {head}"));
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).expect("the body");
        assert!(n > 0, "the connection closed in the body of {path}");
        buffer.extend_from_slice(&chunk[..n]);
    }
    status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_do_not_keep_other_clients_out() {
    let app = sample_app();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a socket");
    let addr: SocketAddr = listener.local_addr().expect("an address");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(erfa_server::serve::serve(
        listener,
        app.router.clone(),
        erfa_server::Limits::default(),
        async move {
            let _ = stopped.await;
        },
    ));

    // One client opens 512 connections and sends nothing.
    let idle: Vec<TcpStream> = (0..512)
        .map(|_| TcpStream::connect(addr).expect("connects"))
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let (status, took) = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut stream = connect(addr, Duration::from_secs(20));
        let status = get(&mut stream, "/api/health", true);
        (status, started.elapsed())
    })
    .await
    .expect("the health request");
    println!("GET /api/health with 512 idle connections open: {took:?}");
    assert_eq!(status, 200);
    assert!(
        took < Duration::from_secs(1),
        "health took {took:?} behind idle connections"
    );

    // 64 connections from the same address, open at once, each sending requests
    // (while the idle ones are still held): every request is served.
    let (served, took) = tokio::task::spawn_blocking(move || {
        let barrier = Arc::new(Barrier::new(64));
        let started = Instant::now();
        let clients: Vec<_> = (0..64)
            .map(|i| {
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    let mut stream = connect(addr, Duration::from_secs(60));
                    barrier.wait();
                    (0..10)
                        .map(|round| {
                            let path = if (i + round) % 2 == 0 {
                                "/api/search?q=cab"
                            } else {
                                "/api/health"
                            };
                            get(&mut stream, path, round == 9)
                        })
                        .collect::<Vec<u16>>()
                })
            })
            .collect();
        let mut served = 0;
        for client in clients {
            let statuses = client.join().expect("a client finishes");
            assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
            served += statuses.len();
        }
        (served, started.elapsed())
    })
    .await
    .expect("the busy clients");
    println!("64 busy connections: {served} requests served in {took:?}");
    assert_eq!(served, 640);

    drop(idle);
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(15), server)
        .await
        .expect("the server stops")
        .expect("the server task");
}
