//! `--web.listen-address`: `:PORT` or `HOST:PORT`.

use std::fmt;
use std::net::SocketAddr;

/// Where to listen, kept as text until bind time so that host names resolve then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddress {
    /// `:PORT`: every interface, IPv6 and IPv4.
    AllInterfaces(u16),
    /// `HOST:PORT`.
    Host(String),
}

impl ListenAddress {
    /// `:PORT` or `HOST:PORT`, with a port of 0 to 65535; the error says which part is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        const SHAPE: &str = "expected :PORT or HOST:PORT";
        let (host, port) = text.rsplit_once(':').ok_or(SHAPE)?;
        let port = match port.parse::<u16>() {
            Ok(port) => port,
            Err(_) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(format!("port {port} is out of range (0 to 65535)"));
            }
            Err(_) => return Err(SHAPE.to_owned()),
        };
        if host.is_empty() {
            Ok(ListenAddress::AllInterfaces(port))
        } else if host.starts_with(':') {
            Err(SHAPE.to_owned())
        } else {
            Ok(ListenAddress::Host(text.to_owned()))
        }
    }

    /// Binds the address; `:PORT` takes the dual-stack `[::]` and falls back to `0.0.0.0`
    /// on hosts without IPv6.
    pub async fn bind(&self) -> std::io::Result<tokio::net::TcpListener> {
        match self {
            ListenAddress::AllInterfaces(port) => {
                let v6 = SocketAddr::from(([0u16; 8], *port));
                match tokio::net::TcpListener::bind(v6).await {
                    Ok(listener) => Ok(listener),
                    Err(_) => {
                        tokio::net::TcpListener::bind(SocketAddr::from(([0; 4], *port))).await
                    }
                }
            }
            ListenAddress::Host(address) => tokio::net::TcpListener::bind(address.as_str()).await,
        }
    }
}

impl fmt::Display for ListenAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenAddress::AllInterfaces(port) => write!(f, ":{port}"),
            ListenAddress::Host(address) => f.write_str(address),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses_take_a_port_alone_or_a_host_and_port() {
        assert_eq!(
            ListenAddress::parse(":10059"),
            Ok(ListenAddress::AllInterfaces(10059))
        );
        assert_eq!(
            ListenAddress::parse("127.0.0.1:0"),
            Ok(ListenAddress::Host("127.0.0.1:0".into()))
        );
        assert_eq!(
            ListenAddress::parse("[::1]:9"),
            Ok(ListenAddress::Host("[::1]:9".into()))
        );
        for bad in ["10059", ":port", "host:", "::", ":1:2"] {
            assert_eq!(
                ListenAddress::parse(bad),
                Err("expected :PORT or HOST:PORT".to_owned()),
                "{bad}"
            );
        }
        assert_eq!(
            ListenAddress::parse(":99999"),
            Err("port 99999 is out of range (0 to 65535)".to_owned())
        );
    }
}
