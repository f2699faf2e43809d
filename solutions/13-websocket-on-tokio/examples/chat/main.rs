//! A chat room in the browser: the server serves its own page on plain
//! HTTP and the WebSocket on `/ws`, on the same port.
//!
//! ```console
//! $ cargo run --release -p solution-13 --example chat -- 127.0.0.1:9002
//! open http://127.0.0.1:9002/ in two tabs
//! ```
//!
//! Every text a member sends goes to every member, the sender included.
//! `http://ADDR/?say=hello` sends `hello` as soon as the page connects:
//! that is how the browser test drives it without a person.

mod server;

use std::io;

use tokio::net::TcpListener;
use tokio::runtime::Builder;

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [address] = &args[..] else {
        return Err(io::Error::other("usage: chat HOST:PORT"));
    };
    let runtime = Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let listener = TcpListener::bind(address).await?;
        println!("open http://{}/ in two tabs", listener.local_addr()?);
        server::serve(listener).await
    })
}
