//! Host port blocks. Each environment holds `size` consecutive host ports from
//! the configured range; a new one takes the lowest block that no record holds
//! and whose every port is free on the host. Call [`allocate`] under the
//! database lock so two creates never pick the same block.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::ops::Range;

use crate::error::{Error, Result};

/// Returns the base of the lowest free block of `size` ports in `base..=max`.
///
/// `held` are the port ranges records already hold; `is_free` says whether a
/// host port is free right now (see [`host_port_is_free`]).
pub fn allocate(
    base: u16,
    max: u16,
    size: u16,
    held: &[Range<u32>],
    is_free: impl Fn(u16) -> bool,
) -> Result<u16> {
    let mut held: Vec<Range<u32>> = held.to_vec();
    held.sort_by_key(|r| r.start);
    first_free(u32::from(base), max, size, &held, &is_free)
        .map(|start| start as u16)
        .ok_or(Error::PortsExhausted { base, max, size })
}

/// How many blocks of `size` ports [`allocate`] could still hand out, one
/// after another, right now: the blocks records hold and the ports the host
/// uses (`is_free`) both count as taken.
pub fn available_blocks(
    base: u16,
    max: u16,
    size: u16,
    held: &[Range<u32>],
    is_free: impl Fn(u16) -> bool,
) -> usize {
    let mut held: Vec<Range<u32>> = held.to_vec();
    held.sort_by_key(|r| r.start);
    let mut count = 0;
    let mut from = u32::from(base);
    while let Some(start) = first_free(from, max, size, &held, &is_free) {
        count += 1;
        from = start + u32::from(size);
    }
    count
}

/// The start of the lowest free block of `size` ports in `from..=max`;
/// `held` sorted by start.
fn first_free(
    from: u32,
    max: u16,
    size: u16,
    held: &[Range<u32>],
    is_free: &impl Fn(u16) -> bool,
) -> Option<u32> {
    if size == 0 {
        return None;
    }
    let (max, size) = (u32::from(max), u32::from(size));
    let mut start = from;
    while start + size - 1 <= max {
        let block = start..start + size;
        // Skip past any record's block that overlaps.
        if let Some(overlap) = held
            .iter()
            .find(|r| r.start < block.end && block.start < r.end)
        {
            start = overlap.end;
            continue;
        }
        // Skip past the highest port of the block that the host already uses.
        match block.clone().rev().find(|p| !is_free(*p as u16)) {
            Some(taken) => start = taken + 1,
            None => return Some(start),
        }
    }
    None
}

/// How many blocks of `size` ports fit in `base..=max` beside the blocks
/// records hold (the host's own use of ports is not counted: it changes).
pub fn free_blocks(base: u16, max: u16, size: u16, held: &[Range<u32>]) -> usize {
    if size == 0 || max < base {
        return 0;
    }
    let mut held: Vec<Range<u32>> = held.to_vec();
    held.sort_by_key(|r| r.start);
    let (end, size) = (u32::from(max) + 1, u32::from(size));
    let mut start = u32::from(base);
    let mut count = 0;
    for r in held.iter().chain(std::iter::once(&(end..end))) {
        let gap_end = r.start.min(end);
        if gap_end > start {
            count += ((gap_end - start) / size) as usize;
        }
        start = start.max(r.end);
        if start >= end {
            break;
        }
    }
    count
}

/// True when nothing on the host listens on `port` (IPv4 or IPv6 wildcard),
/// which is what Docker needs to publish it.
pub fn host_port_is_free(port: u16) -> bool {
    // One at a time: a dual-stack [::] bind conflicts with our own 0.0.0.0 one.
    if TcpListener::bind(SocketAddr::from((Ipv4Addr::UNSPECIFIED, port))).is_err() {
        return false;
    }
    match TcpListener::bind(SocketAddr::from((Ipv6Addr::UNSPECIFIED, port))) {
        Ok(_) => true,
        // No IPv6 on this host: the IPv4 answer is the whole answer.
        Err(e) => e.kind() != std::io::ErrorKind::AddrInUse,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_free(_: u16) -> bool {
        true
    }

    #[test]
    fn free_blocks_count_the_gaps_between_held_blocks() {
        assert_eq!(free_blocks(8000, 8008, 3, &[]), 3);
        assert_eq!(free_blocks(8000, 8008, 3, &[8003..8006, 8003..8006]), 2);
        assert_eq!(
            free_blocks(8000, 8008, 3, &[8001..8002, 8001..8002]),
            2,
            "a gap of 1, then one of 7"
        );
    }

    #[test]
    fn available_blocks_count_what_allocate_could_still_hand_out() {
        assert_eq!(available_blocks(8000, 8008, 3, &[], all_free), 3);
        assert_eq!(
            available_blocks(8000, 8008, 3, &[8003..8006, 8006..8009], all_free),
            1
        );
        // A port the host uses in the middle block leaves a gap of 2.
        assert_eq!(available_blocks(8000, 8008, 3, &[], |p| p != 8004), 2);
        assert_eq!(available_blocks(8000, 8000, 1, &[], |p| p != 8000), 0);
        assert_eq!(available_blocks(8000, 8008, 0, &[], all_free), 0);
        assert_eq!(available_blocks(65533, 65535, 3, &[], all_free), 1);
    }

    #[test]
    fn first_block_is_the_base() {
        assert_eq!(allocate(8090, 9999, 3, &[], all_free).unwrap(), 8090);
    }

    #[test]
    fn blocks_follow_each_other() {
        let held = [8090..8093, 8093..8096];
        assert_eq!(allocate(8090, 9999, 3, &held, all_free).unwrap(), 8096);
    }

    #[test]
    fn deleting_a_middle_environment_frees_its_block() {
        let held = [8090..8093, 8096..8099];
        assert_eq!(allocate(8090, 9999, 3, &held, all_free).unwrap(), 8093);
    }

    #[test]
    fn a_gap_too_small_is_skipped() {
        let held = [8090..8093, 8095..8098];
        assert_eq!(allocate(8090, 9999, 3, &held, all_free).unwrap(), 8098);
        assert_eq!(allocate(8090, 9999, 2, &held, all_free).unwrap(), 8093);
    }

    #[test]
    fn ports_taken_on_the_host_are_skipped() {
        let taken = |p: u16| p != 8091;
        assert_eq!(allocate(8090, 9999, 3, &[], taken).unwrap(), 8092);
    }

    #[test]
    fn exhaustion_is_an_error_naming_the_range() {
        let held = vec![8090..8093, 8093..8096];
        let err = allocate(8090, 8097, 3, &held, all_free).unwrap_err();
        assert!(matches!(
            err,
            Error::PortsExhausted {
                base: 8090,
                max: 8097,
                size: 3
            }
        ));
        assert_eq!(allocate(8090, 8098, 3, &held, all_free).unwrap(), 8096);
    }

    #[test]
    fn the_top_of_the_port_space_does_not_overflow() {
        assert_eq!(allocate(65533, 65535, 3, &[], all_free).unwrap(), 65533);
        assert!(allocate(65534, 65535, 3, &[], all_free).is_err());
    }

    #[test]
    fn a_bound_port_is_not_free() {
        let listener = TcpListener::bind("0.0.0.0:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        assert!(!host_port_is_free(port));
        drop(listener);
        assert!(host_port_is_free(port));
    }
}
