//! What the exporter asks of the C allocator: glibc's malloc, on Linux with the GNU C library.
//! Elsewhere (musl, other systems) both functions do nothing.
//!
//! Two habits of glibc's malloc make the resident size of a long-running exporter creep up
//! though nothing leaks (docs/performance.md#memory-under-load and docs/reliability.md):
//!
//! - Large buffers (an encoded body, tens of MB at 10,000 servers) are made and freed once per
//!   poll, and glibc raises its mmap threshold after each such free; later ones then come from
//!   the heap and fragment it. [`tune`] fixes the threshold.
//! - A poll that reads far more than usual (an API that pages on and on until the deadline:
//!   thousands of small allocations, all freed when the poll fails) leaves those pages in the
//!   malloc arena of the thread that freed them, where glibc keeps them for later. [`trim`]
//!   gives them back to the system once the poll is published.

/// Every allocation from 256 KiB up gets a mapping of its own, returned to the system when
/// freed. Call it first thing in `main`, before any thread starts.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

/// Gives back to the system what every malloc arena holds free (blocking: it walks the
/// arenas, a few milliseconds at most at 100,000 servers; call it off the async threads).
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes the arenas' own locks and only releases free memory.
    unsafe {
        libc::malloc_trim(0);
    }
}
