// SplitMix64's output function at counter index of stream seed (dev.heed.core.backend.CounterRandom):
// the random bits of every kernel that draws from a counter-based stream.
inline ulong heed_bits(ulong seed, ulong index) {
  ulong z = seed + (index + 1UL) * 0x9E3779B97F4A7C15UL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
  return z ^ (z >> 31);
}
