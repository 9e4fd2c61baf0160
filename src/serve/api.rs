//! Routes and handlers: the page, `GET /api/scenario`, `POST /api/run`, `POST /api/save`; the
//! guard every request passes first; listening and stopping.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::serve::IncomingStream;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;

use super::pool::{PoolError, RunPool};
use super::save::SaveError;
use super::{Log, ServeOptions, assets, overrides, results, safety, save};
use crate::engine;
use crate::error::Error;
use crate::scenario::Scenario;
use crate::scenario::source::suggest;

pub(crate) struct AppState {
    pub base: Scenario,
    /// The base's file on disk (`None`: the embedded plan).
    pub base_file: Option<PathBuf>,
    /// The base as shown to the user.
    pub shown: String,
    pub opts: ServeOptions,
    pub scenario_json: Value,
    pub pool: Arc<RunPool>,
    pub log: Log,
}

type Shared = Arc<AppState>;

/// The address a connection arrived at (the server's own, as the client named it).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Conn {
    local: Option<SocketAddr>,
}

/// How long a client may take to send a request's headers (and, idle, to start the next
/// request on a kept-alive connection) before the connection is closed.
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send a request's body once its headers are in: 408 after.
pub(crate) const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a stopping server waits for the answers in flight before it drops them (their
/// runs are told to stop) and exits.
pub(crate) const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

impl Connected<IncomingStream<'_, TcpListener>> for Conn {
    fn connect_info(s: IncomingStream<'_, TcpListener>) -> Self {
        Conn {
            local: s.io().local_addr().ok(),
        }
    }
}

pub(crate) fn router(st: Shared) -> Router {
    Router::new()
        .route("/", get(assets::index))
        .route("/app.js", get(assets::script))
        .route("/style.css", get(assets::style))
        .route("/api/scenario", get(scenario))
        .route("/api/run", post(run))
        .route("/api/save", post(save_handler))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(safety::MAX_BODY_BYTES))
        .layer(middleware::from_fn(read_body))
        .layer(middleware::from_fn_with_state(st.clone(), guard))
        .with_state(st)
}

/// Every request's body, read whole before any handler runs: within [`BODY_TIMEOUT`] (408
/// after: a half-sent body never holds a connection), at most [`safety::MAX_BODY_BYTES`]
/// (413), each refusal answered in JSON like every other error.
async fn read_body(req: Request, next: Next) -> Response {
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "request body: expected at most {} bytes, found more",
                safety::MAX_BODY_BYTES
            ),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > safety::MAX_BODY_BYTES as u64) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    match tokio::time::timeout(
        BODY_TIMEOUT,
        axum::body::to_bytes(body, safety::MAX_BODY_BYTES),
    )
    .await
    {
        Err(_) => error(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "request body: expected it whole within {} s, found it unfinished",
                BODY_TIMEOUT.as_secs()
            ),
        ),
        Ok(Err(e)) => {
            // http-body-util's LengthLimitError, seen through axum's error.
            let text = format!(
                "{e}: {}",
                std::error::Error::source(&e).map_or(String::new(), |s| s.to_string())
            );
            if text.contains("length limit") {
                too_large()
            } else {
                error(StatusCode::BAD_REQUEST, format!("request body: {e}"))
            }
        }
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await
        }
    }
}

/// Listen as the options say, print the address, answer until Ctrl-C or SIGTERM.
pub(crate) async fn listen(st: Shared) -> Result<(), Error> {
    let o = &st.opts;
    let host = o.host.clone().unwrap_or_else(|| "127.0.0.1".into());
    let listener = TcpListener::bind((host.as_str(), o.port))
        .await
        .map_err(|e| {
            Error::Other(format!(
                "--host {host} --port {}: cannot listen: {e}",
                o.port
            ))
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Other(format!("cannot read the address listened on: {e}")))?;
    let url = if addr.ip().is_unspecified() {
        // An address that answers: loopback of the family listened on.
        if addr.is_ipv6() {
            format!("http://[::1]:{}/", addr.port())
        } else {
            format!("http://127.0.0.1:{}/", addr.port())
        }
    } else {
        format!("http://{addr}/")
    };
    if o.host.is_some() && !addr.ip().is_loopback() {
        (st.log)(format!(
            "warning: --host {host}: listening on {addr}, reachable from other machines: anyone who can reach this port can run the model and save scenario files into {}. Without --host the server listens on 127.0.0.1 only.",
            o.save_dir.display()
        ));
    }
    (st.log)(format!(
        "peakpath serve: scenario {} ({}), {} runs per change (at most {} a request), seed {}, {} threads; saves into {}",
        st.base.info.id,
        st.shown,
        o.runs,
        o.max_runs,
        o.seed,
        st.pool.threads(),
        o.save_dir.display()
    ));
    (st.log)(format!("listening on {url} (Ctrl-C stops)"));
    if o.open {
        open_browser(&url, &st.log);
    }
    let app = router(st.clone());
    accept_loop(listener, app, &st.log).await;
    (st.log)("stopped".into());
    Ok(())
}

/// Answer connections until Ctrl-C or SIGTERM. Each is served by hyper's HTTP/1 with a
/// header read timeout ([`HEADER_TIMEOUT`]: a half-sent request, or an idle kept-alive
/// connection, is closed), so no number of silent clients keeps others from being answered.
/// On a stop: no new connections, the answers in flight get [`SHUTDOWN_GRACE`] to finish,
/// then every connection is dropped (half-open ones included) and the process exits.
async fn accept_loop(listener: TcpListener, app: Router, log: &Log) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt as _;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut conns = tokio::task::JoinSet::new();
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        let (stream, _) = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, do not spin.
                    log(format!("cannot accept a connection: {e}"));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        while conns.try_join_next().is_some() {}
        let info = ConnectInfo(Conn {
            local: stream.local_addr().ok(),
        });
        let svc = hyper_util::service::TowerToHyperService::new(app.clone().map_request(
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(info);
                req
            },
        ));
        let mut stopping = stop_rx.clone();
        conns.spawn(async move {
            let mut b = hyper::server::conn::http1::Builder::new();
            b.timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT);
            let conn = b.serve_connection(TokioIo::new(stream), svc);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopping.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let in_flight = conns.len();
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        log(format!(
            "stopping: {} of {in_flight} connection(s) still open after {} s: closed",
            conns.len(),
            SHUTDOWN_GRACE.as_secs()
        ));
        conns.abort_all();
        while conns.join_next().await.is_some() {}
    }
}

async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

fn open_browser(url: &str, log: &Log) {
    let (cmd, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    if let Err(e) = std::process::Command::new(cmd)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        log(format!(
            "warning: --open: cannot start {cmd} ({e}); open {url} yourself"
        ));
    }
}

/// An error answer: `{"error": message, "error_en": …, "error_zh": …}`, the message in
/// both languages (`error` is English, or Chinese for a request with `?lang=zh`: see
/// [`guard`]).
pub(crate) fn error(status: StatusCode, msg: impl Into<String>) -> Response {
    let en = msg.into();
    let zh = crate::i18n::zh(&en);
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({ "error": en, "error_en": en, "error_zh": zh })),
    )
        .into_response()
}

/// Whether the request asks for Chinese (`?lang=zh` in its query).
fn wants_zh(req: &Request) -> bool {
    req.uri()
        .query()
        .is_some_and(|q| q.split('&').any(|kv| kv == "lang=zh"))
}

/// An error answer of [`error`] with its `error` in Chinese.
async fn in_chinese(resp: Response) -> Response {
    let (parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return Response::from_parts(parts, axum::body::Body::empty());
    };
    let mut v: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(_) => return Response::from_parts(parts, axum::body::Body::from(bytes)),
    };
    if let Some(zh) = v.get("error_zh").cloned() {
        v["error"] = zh;
    }
    let mut parts = parts;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(v.to_string()))
}

fn answer(status: StatusCode, v: Value) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], axum::Json(v)).into_response()
}

/// Every request passes here first: refused (403) unless it names this server and comes
/// from its own pages; every answer gets the hardening headers.
async fn guard(
    State(st): State<Shared>,
    ConnectInfo(c): ConnectInfo<Conn>,
    req: Request,
    next: Next,
) -> Response {
    let allowed = match c.local {
        Some(local) => safety::allowed_hosts(local, st.opts.host.as_deref()),
        None => Vec::new(),
    };
    let zh = wants_zh(&req);
    let mut resp = match safety::check_request(&allowed, req.headers()) {
        Ok(()) => next.run(req).await,
        Err(m) => {
            (st.log)(format!("{} {}: {m}", req.method(), req.uri().path()));
            error(StatusCode::FORBIDDEN, m)
        }
    };
    if zh && (resp.status().is_client_error() || resp.status().is_server_error()) {
        resp = in_chinese(resp).await;
    }
    safety::harden(resp.headers_mut());
    resp
}

async fn not_found(req: Request) -> Response {
    error(
        StatusCode::NOT_FOUND,
        format!(
            "not found: {} (the API is GET /api/scenario, POST /api/run, POST /api/save)",
            req.uri().path()
        ),
    )
}

/// Parse a JSON body; an unknown field gets a "did you mean". The error is the message of a 400.
fn parse<T: DeserializeOwned>(body: &Bytes, fields: &[&str]) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| {
        let text = e.to_string();
        let mut m = format!("request body: {text}");
        if let Some(f) = text
            .strip_prefix("unknown field `")
            .and_then(|r| r.split('`').next())
            && let Some(s) = suggest(f, fields.iter().copied())
        {
            m.push_str(&format!(" (did you mean \"{s}\"?)"));
        }
        m
    })
}

async fn scenario(State(st): State<Shared>) -> Response {
    answer(StatusCode::OK, st.scenario_json.clone())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RunBody {
    #[serde(default)]
    overrides: Map<String, Value>,
    runs: Option<u64>,
}

async fn run(State(st): State<Shared>, body: Bytes) -> Response {
    // Parsing and validating the overrides (a scenario rebuilt and checked) is CPU work:
    // on a blocking thread, so that large bodies never stall the async threads that answer
    // everyone else.
    let s = st.clone();
    let checked =
        tokio::task::spawn_blocking(move || -> Result<(RunBody, u64, Scenario), String> {
            let req: RunBody = parse(&body, &["overrides", "runs"])?;
            let runs = req.runs.unwrap_or(s.opts.runs);
            if runs == 0 || runs > s.opts.max_runs {
                return Err(format!(
                    "runs: expected 1 to {} runs (the server's --max-runs), found {runs}",
                    s.opts.max_runs
                ));
            }
            let sc = overrides::apply(&s.base, &req.overrides)?;
            Ok((req, runs, sc))
        })
        .await;
    let (req, runs, sc) = match checked {
        Ok(Ok(r)) => r,
        Ok(Err(m)) => return error(StatusCode::BAD_REQUEST, m),
        Err(e) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("run failed: {e}"),
            );
        }
    };
    let seed = st.opts.seed;
    let started = Instant::now();
    let r = st
        .pool
        .run(move |pool, obs| {
            // In batches of one chunk per worker, so that a long run does not hold the pool
            // (statistics merge exactly: the same numbers as one batch).
            let batch = engine::CHUNK * pool.current_num_threads() as u64;
            let mut acc = engine::Accumulator::for_scenario(&sc);
            // The samplers once per request: their tables for correlated inputs take tens
            // of milliseconds to build, as long as thousands of runs.
            let draws = engine::Draws::new(&sc);
            let mut lo = 0;
            while lo < runs {
                let hi = (lo + batch).min(runs);
                acc.merge_drawn(
                    &pool.install(|| engine::monte_carlo_with(&sc, &draws, seed, lo..hi, obs))?,
                );
                lo = hi;
            }
            // Observations that reject every run: bad input, as on the command line (exit 2).
            if let Err(e) = crate::runner::history::check_kept(&sc, &acc) {
                return Some(Err(e.to_string()));
            }
            let tr = engine::central(&sc);
            Some(Ok(results::run_json(&sc, &tr, &acc, seed)))
        })
        .await;
    match r {
        Ok(Err(m)) => error(StatusCode::UNPROCESSABLE_ENTITY, m),
        Ok(Ok(mut v)) => {
            v["overrides"] = Value::Object(req.overrides);
            v["elapsed_ms"] = json!(started.elapsed().as_secs_f64() * 1000.0);
            answer(StatusCode::OK, v)
        }
        Err(PoolError::Busy) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "busy: {} runs are waiting already; try again in a moment",
                super::MAX_WAITING
            ),
        ),
        Err(PoolError::Cancelled) => error(StatusCode::SERVICE_UNAVAILABLE, "run cancelled"),
        Err(PoolError::Failed(m)) => {
            (st.log)(format!("run failed: {m}"));
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("run failed: {m}"),
            )
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SaveBody {
    name: String,
    /// The saved scenario's name as shown (`name_zh`, `name_en`), in any language; the id is
    /// `name`, ASCII.
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    overrides: Map<String, Value>,
    #[serde(default)]
    overwrite: bool,
}

async fn save_handler(State(st): State<Shared>, body: Bytes) -> Response {
    let s = st.clone();
    let r = tokio::task::spawn_blocking(move || {
        let req: SaveBody = parse(&body, &["name", "display_name", "overrides", "overwrite"])
            .map_err(SaveError::Input)?;
        save::save(
            &s.base,
            s.base_file.as_deref(),
            &s.opts.save_dir,
            &req.name,
            req.display_name.as_deref(),
            &req.overrides,
            req.overwrite,
        )
    })
    .await;
    match r {
        Ok(Ok(saved)) => {
            (st.log)(format!(
                "saved {} (extends {})",
                saved.path.display(),
                saved.extends
            ));
            answer(
                StatusCode::CREATED,
                json!({
                    "path": saved.path.display().to_string(),
                    "extends": saved.extends,
                    "toml": saved.text,
                    "valid": true,
                    "parameters": saved.scenario.params.len(),
                    "uncertain": saved.scenario.uncertain.len(),
                    "also_written": saved.also_written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
                }),
            )
        }
        Ok(Err(SaveError::Input(m))) => error(StatusCode::BAD_REQUEST, m),
        Ok(Err(SaveError::Exists(m))) => error(StatusCode::CONFLICT, m),
        Ok(Err(SaveError::Io(m))) => {
            (st.log)(format!("save failed: {m}"));
            error(StatusCode::INTERNAL_SERVER_ERROR, m)
        }
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("save failed: {e}"),
        ),
    }
}
