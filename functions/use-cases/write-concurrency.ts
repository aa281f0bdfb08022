/**
 * Independent writes a use case keeps in flight at once (a partnership's marks, a proposal's
 * transactions): enough to hide each round trip's latency, few enough that one run never takes a
 * table's burst of capacity from the send path.
 */
export const WRITE_CONCURRENCY = 8;
