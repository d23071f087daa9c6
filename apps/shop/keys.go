package shop

// keys are a product's Redis keys; all share the hash tag {<productID>}.
type keys struct {
	stock, held, sold, initial, expiry, pending string
	tag, product                                string
}

func (s *Shop) keys(productID string) keys {
	t := s.cfg.Prefix + "{" + productID + "}:"
	return keys{
		tag:     t,
		product: productID,
		stock:   t + "stock",
		held:    t + "held",
		sold:    t + "sold",
		initial: t + "initial",
		expiry:  t + "expiry",
		pending: t + "pending",
	}
}

func (k keys) reservation(id string) string { return k.tag + "r:" + id }

func (k keys) idempotency(user, key string) string { return k.tag + "idem:" + user + ":" + key }

// claimKey records which payload an idempotency key was first used with,
// across products (its own slot; see Reserve).
func (s *Shop) claimKey(user, key string) string {
	return s.cfg.Prefix + "{idem:" + user + ":" + key + "}"
}
