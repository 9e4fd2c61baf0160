//! The bounded pool the server's model runs go to: a dedicated rayon pool (so runs never
//! occupy the async threads that answer requests), a semaphore bounding how many runs share it
//! at once, a bound on how many may wait, and cancellation when the client goes away.
//!
//! Cancellation: [`RunPool::run`] holds a guard that sets the run's stop flag when dropped
//! before the run has finished. Axum drops a request's future when its client disconnects, so
//! the guard fires, and the engine checks the flag (its [`Observer::should_stop`]) between
//! chunks of runs and stops.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tokio::sync::Semaphore;

use super::Log;
use crate::engine::{Observer, StopFlag};

/// Why a run gave no result.
#[derive(Debug, PartialEq, Eq)]
pub enum PoolError {
    /// Too many runs are waiting already.
    Busy,
    /// The stop flag was set (the client went away, or the server is stopping).
    Cancelled,
    /// The run panicked or its thread could not be joined.
    Failed(String),
}

pub struct RunPool {
    pool: Arc<rayon::ThreadPool>,
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    /// Runs cancelled because their client went away (for the log and the tests).
    pub cancelled: AtomicUsize,
    log: Log,
}

/// Sets the stop flag when dropped unless disarmed: the run's client went away.
struct CancelOnDrop {
    stop: Arc<AtomicBool>,
    armed: bool,
    pool: Arc<RunPool>,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if self.armed {
            self.stop.store(true, Ordering::Relaxed);
            let n = self.pool.cancelled.fetch_add(1, Ordering::Relaxed) + 1;
            (self.pool.log)(format!(
                "run cancelled: the client went away before it finished ({n} so far)"
            ));
        }
    }
}

/// Counts a waiting request until dropped.
struct Waiting<'a>(&'a AtomicUsize);
impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl RunPool {
    /// `concurrent` runs share `pool` at once; at most `max_waiting` more wait for a turn.
    pub fn new(
        pool: rayon::ThreadPool,
        concurrent: usize,
        max_waiting: usize,
        log: Log,
    ) -> RunPool {
        RunPool {
            log,
            pool: Arc::new(pool),
            permits: Arc::new(Semaphore::new(concurrent.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
            cancelled: AtomicUsize::new(0),
        }
    }

    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Run `job` when a permit is free, on a blocking thread, with the pool to run its parallel
    /// work on (`pool.install`) and an observer whose `should_stop` turns true when the
    /// caller's future is dropped; it returns `None` when it stopped early.
    ///
    /// A job should install its work in batches: rayon serves a worker's own queue first, so
    /// one long `install` would hold the workers until it ends, while between batches the
    /// work of other requests, queued meanwhile, runs first.
    pub async fn run<T, F>(self: &Arc<Self>, job: F) -> Result<T, PoolError>
    where
        T: Send + 'static,
        F: FnOnce(&rayon::ThreadPool, &dyn Observer) -> Option<T> + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let mut guard = CancelOnDrop {
            stop: stop.clone(),
            armed: true,
            pool: self.clone(),
        };
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                if self.waiting.fetch_add(1, Ordering::Relaxed) >= self.max_waiting {
                    self.waiting.fetch_sub(1, Ordering::Relaxed);
                    guard.armed = false;
                    return Err(PoolError::Busy);
                }
                let _w = Waiting(&self.waiting);
                self.permits
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|e| PoolError::Failed(e.to_string()))?
            }
        };
        let pool = self.pool.clone();
        let flag = stop.clone();
        let handle = tokio::task::spawn_blocking(move || {
            // The permit is held until the work really ends, even when the client has gone.
            let _permit = permit;
            if flag.load(Ordering::Relaxed) {
                return None;
            }
            job(&pool, &StopFlag(&flag))
        });
        let out = handle.await;
        guard.armed = false;
        match out {
            Ok(Some(t)) => Ok(t),
            Ok(None) => Err(PoolError::Cancelled),
            Err(e) => Err(PoolError::Failed(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn pool(concurrent: usize, waiting: usize) -> Arc<RunPool> {
        Arc::new(RunPool::new(
            rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .unwrap(),
            concurrent,
            waiting,
            Arc::new(|_| {}),
        ))
    }

    #[test]
    fn a_dropped_request_stops_its_run() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let p = pool(1, 4);
        let started = Arc::new(AtomicBool::new(false));
        let (s, p2) = (started.clone(), p.clone());
        rt.block_on(async move {
            let fut = p2.run(move |_, obs| {
                s.store(true, Ordering::Relaxed);
                // A run that only ends when told to stop (or after 20 s: a failure).
                for _ in 0..2000 {
                    if obs.should_stop() {
                        return None;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                Some(())
            });
            // The client gives up after 100 ms: the future is dropped.
            let r = tokio::time::timeout(Duration::from_millis(100), fut).await;
            assert!(r.is_err());
        });
        assert!(started.load(Ordering::Relaxed));
        assert_eq!(p.cancelled.load(Ordering::Relaxed), 1);
        // The permit comes back once the job has seen the flag: a new run gets through.
        let r = rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(5), p.run(|_, _| Some(7))).await
        });
        assert_eq!(r.unwrap(), Ok(7));
    }

    #[test]
    fn too_many_waiting_is_busy() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let p = pool(1, 0);
        // A free permit runs at once, even with no room to wait.
        assert_eq!(rt.block_on(p.run(|_, _| Some(1))), Ok(1));
        // With the only permit taken and no room to wait: busy.
        let held = p.permits.clone().try_acquire_owned().unwrap();
        assert_eq!(rt.block_on(p.run(|_, _| Some(1))), Err(PoolError::Busy));
        drop(held);
        assert_eq!(rt.block_on(p.run(|_, _| Some(2))), Ok(2));
        assert_eq!(p.cancelled.load(Ordering::Relaxed), 0);
    }
}
