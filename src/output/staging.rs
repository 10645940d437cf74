//! The hidden staging directory a run writes into, and who may remove it.
//!
//! The directory is created before the simulation and is shared between the run (which
//! fills it and finally moves it onto the destination) and an interruption handler (which
//! removes it on Ctrl-C). A lock makes the two exclusive: an interruption during the
//! final move waits until the move is done, so it never finds half a result.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::destination;
use crate::error::Result;

/// A staging directory this process created; removed on drop unless committed.
#[derive(Debug)]
pub struct Staging {
    path: PathBuf,
    shared: StagingHandle,
}

/// A handle an interruption handler keeps to remove the staging directory.
#[derive(Clone, Debug)]
pub struct StagingHandle(Arc<Mutex<Option<PathBuf>>>);

impl Staging {
    /// Creates the (new, empty) staging directory `path`.
    pub fn create(path: PathBuf) -> std::io::Result<Self> {
        std::fs::create_dir(&path)?;
        Ok(Self {
            shared: StagingHandle(Arc::new(Mutex::new(Some(path.clone())))),
            path,
        })
    }

    /// The staging directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A handle for an interruption handler.
    pub fn handle(&self) -> StagingHandle {
        self.shared.clone()
    }

    /// Moves the complete staging directory onto `dir` (see [`destination::commit`]).
    pub fn commit(self, dir: &Path) -> Result<()> {
        let mut guard = self.shared.lock();
        destination::commit(&self.path, dir)?;
        *guard = None;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        self.shared.abandon();
    }
}

impl StagingHandle {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<PathBuf>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Removes the staging directory if the results were not moved into place yet, and
    /// returns its path if it did; a later commit then fails instead of moving half a
    /// result.
    pub fn abandon(&self) -> Option<PathBuf> {
        let mut guard = self.lock();
        let path = guard.take()?;
        let _ = std::fs::remove_dir_all(&path);
        Some(path)
    }
}
