//! Accepted connections tuned for request/reply traffic on loopback.
//!
//! The `taos` 0.12 client writes each WebSocket frame as two small writes
//! (header, then payload) without `TCP_NODELAY`, so Nagle's algorithm holds
//! the payload until the header is acknowledged. A receiver in delayed-ACK
//! mode waits ~40 ms before acknowledging, which would add 40 ms to every
//! request. Re-arming `TCP_QUICKACK` before each read makes the kernel
//! acknowledge at once. Replies go out with `TCP_NODELAY` for the same reason.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::serve::Listener;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A listener whose connections acknowledge quickly and send without delay.
pub(crate) struct QuickListener(pub(crate) TcpListener);

impl Listener for QuickListener {
    type Io = QuickStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (QuickStream, SocketAddr) {
        let (stream, addr) = Listener::accept(&mut self.0).await;
        // Best effort: a socket that refuses the option still works.
        let _ = stream.set_nodelay(true);
        (QuickStream(stream), addr)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// A TCP stream that re-enters quick-ACK mode before every read.
#[derive(Debug)]
pub(crate) struct QuickStream(TcpStream);

impl QuickStream {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn quick_ack(&self) {
        let _ = socket2::SockRef::from(&self.0).set_tcp_quickack(true);
    }

    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    fn quick_ack(&self) {}
}

impl AsyncRead for QuickStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.quick_ack();
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for QuickStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
