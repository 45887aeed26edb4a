/**
 * Part of the exported script's prelude (prelude.ts): the engine's seeded generator, stream seeds
 * and mini-batch sampler (src/engine/random.ts), written to give the same numbers bit for bit.
 */
export const SEEDED_RANDOM_PRELUDE = String.raw`# --- The playground's seeded mini-batches and gradient noise (src/engine/random.ts) -------------

class Random:
    """mulberry32: a 32-bit state, uniform numbers in [0, 1) with 32 bits of resolution."""

    def __init__(self, seed):
        self.state = int(seed) & 0xFFFFFFFF

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t = (t ^ ((t + ((t ^ (t >> 7)) * (t | 61))) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    def normal(self):
        """A standard normal deviate by Box-Muller, cosine branch only."""
        u1 = 1 - self.next()
        u2 = self.next()
        return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)


def stream_seed(seed, stream):
    """The seed of stream number stream of the seed: murmur3's 32-bit finaliser."""
    h = ((int(seed) & 0xFFFFFFFF) + stream * 0x9E3779B9) & 0xFFFFFFFF
    h = ((h ^ (h >> 16)) * 0x85EBCA6B) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 0xC2B2AE35) & 0xFFFFFFFF
    return h ^ (h >> 16)


class BatchSampler:
    """size distinct example indices out of n per draw: a partial Fisher-Yates shuffle of a kept permutation."""

    def __init__(self, n, size, seed):
        self.perm = list(range(n))
        self.size = min(max(1, int(size)), n)
        self.random = Random(seed)

    def draw(self):
        perm, n = self.perm, len(self.perm)
        for i in range(self.size):
            j = i + math.floor(self.random.next() * (n - i))
            perm[i], perm[j] = perm[j], perm[i]
        return perm[:self.size]
`;
