package engine

// orderIndex finds resting orders by id: open addressing with linear
// probing and backward-shift deletion. Unlike a Go map under constant
// insert/delete churn, a delete leaves no tombstone, so the table never
// stops an insert to clean or rehash itself; it grows (one allocation and a
// rehash) only when it would be more than half full, which a BookOpts.Capacity
// sized for the book never lets happen.
type orderIndex struct {
	slots []indexSlot
	mask  uint64
	shift uint // 64 − log2(len(slots))
	n     int
}

type indexSlot struct {
	id uint64
	o  *order // nil: empty
}

func newOrderIndex(capacity int) orderIndex {
	size, shift := uint64(16), uint(60)
	for size < 2*uint64(max(capacity, 8)) {
		size <<= 1
		shift--
	}
	return orderIndex{slots: make([]indexSlot, size), mask: size - 1, shift: shift}
}

// home is the slot an id hashes to (Fibonacci hashing: consecutive ids
// spread over the whole table).
func (x *orderIndex) home(id uint64) uint64 { return (id * 0x9e3779b97f4a7c15) >> x.shift }

func (x *orderIndex) get(id uint64) *order {
	for i := x.home(id); ; i = (i + 1) & x.mask {
		s := &x.slots[i]
		if s.o == nil || s.id == id {
			return s.o
		}
	}
}

// put adds o under id, which must not be in the index.
func (x *orderIndex) put(id uint64, o *order) {
	if 2*(x.n+1) > len(x.slots) {
		x.grow()
	}
	i := x.home(id)
	for x.slots[i].o != nil {
		i = (i + 1) & x.mask
	}
	x.slots[i] = indexSlot{id: id, o: o}
	x.n++
}

func (x *orderIndex) delete(id uint64) {
	i := x.home(id)
	for {
		s := &x.slots[i]
		if s.o == nil {
			return
		}
		if s.id == id {
			break
		}
		i = (i + 1) & x.mask
	}
	// Shift back every later entry of the run that may live at i: one whose
	// home is no closer (cyclically) to its slot j than i is.
	for j := (i + 1) & x.mask; x.slots[j].o != nil; j = (j + 1) & x.mask {
		if (j-x.home(x.slots[j].id))&x.mask >= (j-i)&x.mask {
			x.slots[i] = x.slots[j]
			i = j
		}
	}
	x.slots[i] = indexSlot{}
	x.n--
}

func (x *orderIndex) grow() {
	old := x.slots
	*x = orderIndex{slots: make([]indexSlot, 2*len(old)), mask: uint64(2*len(old)) - 1, shift: x.shift - 1}
	for _, s := range old {
		if s.o != nil {
			x.put(s.id, s.o)
		}
	}
}
