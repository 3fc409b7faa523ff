//! What a build tells as it goes, for a progress bar: each stage as it ends, and the files of
//! the render made so far. The library never draws anything itself; the command line does
//! (on a terminal only).

/// Told by a build (from several threads).
pub trait Progress: Sync {
    /// A stage of the build has ended (`load`, `parse`, `resolve`, `render`, `write`; with
    /// several languages, the middle three once per language).
    fn stage(&self, ended: &'static str);
    /// Of the `total` files the render has to make (pages, handouts, print views…), `done`
    /// have been started.
    fn files(&self, done: usize, total: usize);
}
