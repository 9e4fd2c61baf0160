//! Checking a set of partial results while a merge reads them one at a time.
//!
//! A partial result covers shards `K..=L` of `N` (a shard is `K = L`; a `merge --partial` of
//! a group of consecutive shards is `K < L`) and the indices `start..end` (runs or design
//! rows). A final merge needs shards `1..=N`, each once; a partial merge needs consecutive
//! shards, each once. The set keeps a few numbers per part, never the parts themselves.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// What a partial result says about the slice it holds.
pub struct ShardInfo<'a> {
    pub dir: &'a Path,
    /// `(K, N)`, or `None` for a whole run.
    pub shard: Option<(u64, u64)>,
    /// The last shard it covers, when it covers several (`merge --partial`); `None` = `K`.
    pub last: Option<u64>,
    pub start: u64,
    pub next: u64,
    pub end: u64,
}

/// The shards `first..=last` of `n` a set covers and their indices `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    pub first: u64,
    pub last: u64,
    pub n: u64,
    pub start: u64,
    pub end: u64,
    /// Partial results read.
    pub parts: usize,
}

/// The indices `start..end` that shards `k..=last` of `n` (`last`: `None` for shard `k` alone)
/// hold out of `total`, or why `k`, `last`, `n` are not such shards.
pub fn shards_range(
    total: u64,
    k: u64,
    last: Option<u64>,
    n: u64,
) -> Result<std::ops::Range<u64>, String> {
    let l = last.unwrap_or(k);
    if k == 0 || k > l || l > n {
        return Err(match last {
            None => format!("shard: expected K/N with 1 ≤ K ≤ N, found {k}/{n}"),
            Some(l) => format!(
                "shard, shard_last: expected shards K–L/N with 1 ≤ K ≤ L ≤ N, found {k}–{l}/{n}"
            ),
        });
    }
    Ok(super::shard_range(total, k, n).start..super::shard_range(total, l, n).end)
}

/// `K/N`, `K–L/N` for a group, or `none`.
pub fn shards_text(shard: Option<(u64, u64)>, last: Option<u64>) -> String {
    match (shard, last) {
        (None, _) => "none".into(),
        (Some((k, n)), Some(l)) if l != k => format!("{k}–{l}/{n}"),
        (Some((k, n)), _) => format!("{k}/{n}"),
    }
}

/// Refuse an output folder that is one of the folders being merged (its partial result would
/// be overwritten by the merge's).
pub fn check_out_not_input(out: &Path, dirs: &[PathBuf]) -> Result<(), Error> {
    let Ok(o) = out.canonicalize() else {
        return Ok(());
    };
    match dirs.iter().find(|d| d.canonicalize().is_ok_and(|d| d == o)) {
        Some(d) => Err(Error::Input(format!(
            "{}: --out: expected a folder other than the shard folders being merged, found {}",
            out.display(),
            d.display()
        ))),
        None => Ok(()),
    }
}

/// Part `i` covers shards `first..=last`, indices `start..end`.
struct Span {
    first: u64,
    last: u64,
    start: u64,
    end: u64,
    part: usize,
}

/// The shard set of a merge, checked as its parts arrive (see the module's documentation).
/// Memory: about 40 bytes per part plus its folder's name, for the messages.
pub struct ShardSet<'a> {
    /// The command that writes a shard ("run", "sensitivity"), what a non-shard is ("run",
    /// "analysis"), what a shard's indices count ("runs", "rows").
    command: &'a str,
    whole: &'a str,
    unit: &'a str,
    n: Option<u64>,
    spans: Vec<Span>,
    dirs: Vec<PathBuf>,
}

impl<'a> ShardSet<'a> {
    pub fn new(command: &'a str, whole: &'a str, unit: &'a str) -> Self {
        ShardSet {
            command,
            whole,
            unit,
            n: None,
            spans: Vec::new(),
            dirs: Vec::new(),
        }
    }

    /// Add the next part: a finished shard (or group of shards) of the same N as the others.
    pub fn add(&mut self, p: &ShardInfo) -> Result<(), Error> {
        let Some((k, nn)) = p.shard else {
            return Err(Error::Input(format!(
                "{}: expected a shard ({} --shard K/N), found a whole {}",
                p.dir.display(),
                self.command,
                self.whole
            )));
        };
        let last = p.last.unwrap_or(k);
        let n = *self.n.get_or_insert(nn);
        let what = if last == k {
            format!("shard {k}/{nn}")
        } else {
            format!("shards {k}–{last}/{nn}")
        };
        if nn != n || p.next != p.end || k == 0 || last < k || last > nn || p.start > p.end {
            return Err(Error::Input(format!(
                "{}: expected a finished shard of {n}, found {what} with {} {}..{} of {}..{}",
                p.dir.display(),
                self.unit,
                p.start,
                p.next,
                p.start,
                p.end
            )));
        }
        self.spans.push(Span {
            first: k,
            last,
            start: p.start,
            end: p.end,
            part: self.dirs.len(),
        });
        self.dirs.push(p.dir.to_path_buf());
        Ok(())
    }

    /// Check the whole set: shards `1..=N` each once (`all`), or consecutive shards each once
    /// (a group for `merge --partial`). Returns what the set covers.
    pub fn finish(mut self, all: bool) -> Result<Coverage, Error> {
        let Some(n) = self.n else {
            return Err(Error::Input(
                "expected shard folders, found none".to_string(),
            ));
        };
        self.spans.sort_by_key(|s| (s.first, s.part));
        let name = |s: &Span| {
            if s.first == s.last {
                format!("shard {}/{n}", s.first)
            } else {
                format!("shards {}–{}/{n}", s.first, s.last)
            }
        };
        for w in self.spans.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if b.first <= a.last {
                let again = if (a.first, a.last) == (b.first, b.last) {
                    format!("{} is given twice", name(b))
                } else {
                    format!("{} overlaps {}", name(b), name(a))
                };
                return Err(Error::Input(format!(
                    "{}: {again} (also in {})",
                    self.dirs[b.part].display(),
                    self.dirs[a.part].display()
                )));
            }
        }
        // Shards that are missing: before the first (final merge), between parts, after the
        // last (final merge).
        let mut missing: Vec<(u64, u64)> = Vec::new();
        let (lo, hi) = (self.spans[0].first, self.spans[self.spans.len() - 1].last);
        if all && lo > 1 {
            missing.push((1, lo - 1));
        }
        for w in self.spans.windows(2) {
            if w[1].first > w[0].last.saturating_add(1) {
                missing.push((w[0].last + 1, w[1].first - 1));
            }
        }
        if all && hi < n {
            missing.push((hi + 1, n));
        }
        if !missing.is_empty() {
            let listed: Vec<String> = missing
                .iter()
                .take(20)
                .map(|&(a, b)| {
                    if a == b {
                        format!("{a}/{n}")
                    } else {
                        format!("{a}/{n}–{b}/{n}")
                    }
                })
                .collect();
            let more = if missing.len() > 20 {
                format!(" and {} more ranges", missing.len() - 20)
            } else {
                String::new()
            };
            let expected = if all {
                format!("expected all {n} shards")
            } else {
                "expected consecutive shards (merge --partial merges a group such as 1–100)"
                    .to_string()
            };
            return Err(Error::Input(format!(
                "{expected}, missing {}{more}",
                listed.join(", ")
            )));
        }
        // Consecutive shards hold consecutive indices.
        for w in self.spans.windows(2) {
            if w[1].start != w[0].end {
                return Err(Error::Input(format!(
                    "{}: expected {} from {} on (where {} ends), found {}..{}",
                    self.dirs[w[1].part].display(),
                    self.unit,
                    w[0].end,
                    name(&w[0]),
                    w[1].start,
                    w[1].end
                )));
            }
        }
        Ok(Coverage {
            first: lo,
            last: hi,
            n,
            start: self.spans[0].start,
            end: self.spans[self.spans.len() - 1].end,
            parts: self.spans.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(dir: &Path, k: u64, last: Option<u64>, n: u64, runs: u64) -> ShardInfo<'_> {
        let r = super::super::shard_range(runs, k, n);
        let e = super::super::shard_range(runs, last.unwrap_or(k), n);
        ShardInfo {
            dir,
            shard: Some((k, n)),
            last,
            start: r.start,
            next: e.end,
            end: e.end,
        }
    }

    fn set(parts: &[(u64, Option<u64>)], n: u64, all: bool) -> Result<Coverage, String> {
        let d = Path::new("d");
        let mut s = ShardSet::new("run", "run", "runs");
        for &(k, last) in parts {
            s.add(&info(d, k, last, n, 1000))
                .map_err(|e| e.to_string())?;
        }
        s.finish(all).map_err(|e| e.to_string())
    }

    #[test]
    fn full_sets_groups_gaps_and_duplicates() {
        let c = set(&[(3, None), (1, None), (2, None)], 3, true).unwrap();
        assert_eq!(
            (c.first, c.last, c.start, c.end, c.parts),
            (1, 3, 0, 1000, 3)
        );
        // Groups of a tree, in any order.
        let c = set(&[(5, Some(7)), (1, Some(4))], 7, true).unwrap();
        assert_eq!((c.first, c.last, c.parts), (1, 7, 2));
        let c = set(&[(3, None), (4, Some(6))], 10, false).unwrap();
        assert_eq!((c.first, c.last, c.start, c.end), (3, 6, 200, 600));
        let e = set(&[(1, None), (3, None)], 3, true).unwrap_err();
        assert!(e.contains("missing 2/3"), "{e}");
        let e = set(&[(2, None)], 5, true).unwrap_err();
        assert!(e.contains("missing 1/5, 3/5–5/5"), "{e}");
        let e = set(&[(1, None), (3, None)], 5, false).unwrap_err();
        assert!(
            e.contains("consecutive") && e.contains("missing 2/5"),
            "{e}"
        );
        let e = set(&[(1, None), (2, None), (2, None)], 3, true).unwrap_err();
        assert!(e.contains("shard 2/3 is given twice"), "{e}");
        let e = set(&[(1, Some(3)), (3, Some(4))], 4, true).unwrap_err();
        assert!(e.contains("overlaps"), "{e}");
        let e = set(&[(1, None), (2, None)], 3, true);
        assert!(e.unwrap_err().contains("missing 3/3"));
    }

    #[test]
    fn unfinished_other_n_and_whole_runs_are_refused() {
        let d = Path::new("d");
        let mut s = ShardSet::new("run", "run", "runs");
        s.add(&info(d, 1, None, 2, 100)).unwrap();
        let e = s.add(&info(d, 2, None, 3, 100)).unwrap_err().to_string();
        assert!(
            e.contains("expected a finished shard of 2, found shard 2/3"),
            "{e}"
        );
        let mut half = info(d, 2, None, 2, 100);
        half.next -= 1;
        assert!(s.add(&half).is_err());
        let whole = ShardInfo {
            shard: None,
            ..info(d, 1, None, 1, 100)
        };
        let e = s.add(&whole).unwrap_err().to_string();
        assert!(e.contains("found a whole run"), "{e}");
        assert!(ShardSet::new("run", "run", "runs").finish(true).is_err());
        // Indices that do not follow on are refused.
        let mut s = ShardSet::new("run", "run", "runs");
        s.add(&info(d, 1, None, 2, 100)).unwrap();
        let mut odd = info(d, 2, None, 2, 100);
        odd.start += 1;
        s.add(&odd).unwrap();
        let e = s.finish(true).unwrap_err().to_string();
        assert!(e.contains("expected runs from 50 on"), "{e}");
    }
}
