package shop

// keys are a product's Redis keys; all share the hash tag {<productID>}.
type keys struct {
	stock, held, sold, initial, expiry, pending string
	tag, product                                string
}

// maxCachedKeys bounds the products whose keys a Shop keeps built (see
// Shop.keys): a caller of Reserve may name any product id, and the cache
// must not grow with them.
const maxCachedKeys = 4096

// keys returns the product's keys, built once per product (up to
// maxCachedKeys products; past that, built per call): a reservation
// used to build seven strings for them on every request.
func (s *Shop) keys(productID string) *keys {
	if k, ok := s.keyCache.Load(productID); ok {
		return k.(*keys)
	}
	t := s.cfg.Prefix + "{" + productID + "}:"
	k := &keys{
		tag:     t,
		product: productID,
		stock:   t + "stock",
		held:    t + "held",
		sold:    t + "sold",
		initial: t + "initial",
		expiry:  t + "expiry",
		pending: t + "pending",
	}
	if s.keysCached.Load() < maxCachedKeys {
		if prev, loaded := s.keyCache.LoadOrStore(productID, k); loaded {
			return prev.(*keys)
		}
		s.keysCached.Add(1)
	}
	return k
}

func (k *keys) reservation(id string) string { return k.tag + "r:" + id }

func (k *keys) idempotency(user, key string) string { return k.tag + "idem:" + user + ":" + key }

// claimKey records which payload an idempotency key was first used with,
// across products (its own slot; see Reserve).
func (s *Shop) claimKey(user, key string) string {
	return s.cfg.Prefix + "{idem:" + user + ":" + key + "}"
}
