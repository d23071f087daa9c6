package orm

// LockStrength is the row lock a find takes on the rows it returns
// (PostgreSQL's locking clause). Row locking is a polystore extension:
// Prisma has no equivalent and its users reach for raw SQL.
type LockStrength uint8

// Row lock strengths.
const (
	LockNone           LockStrength = iota
	LockForUpdate                   // FOR UPDATE: blocks writers and other lockers
	LockForNoKeyUpdate              // FOR NO KEY UPDATE: as FOR UPDATE, letting FOR KEY SHARE through
	LockForShare                    // FOR SHARE: blocks writers, shares with other FOR SHARE
	LockForKeyShare                 // FOR KEY SHARE: blocks only key changes and deletes
)

var lockStrengthSQL = [...]string{"", " FOR UPDATE", " FOR NO KEY UPDATE", " FOR SHARE", " FOR KEY SHARE"}

// LockWait says what a find does on a row another transaction has locked.
type LockWait uint8

// Lock wait policies.
const (
	LockWaitBlock  LockWait = iota // wait for the other transaction (the default)
	LockSkipLocked                 // SKIP LOCKED: leave the row out of the result
	LockNoWait                     // NOWAIT: fail at once with ErrLockNotAvailable
)

var lockWaitSQL = [...]string{"", " SKIP LOCKED", " NOWAIT"}

// Lock is FindArgs.Lock: the zero value takes no lock. A lock holds until
// the transaction ends, so a find with a Lock must run inside one (a *Tx
// from Transaction or Batch); on a *Client it is a *ValidationError. Only
// the rows of the queried model are locked, not those of included
// relations.
type Lock struct {
	Strength LockStrength
	Wait     LockWait
}

// ForUpdate is Lock{Strength: LockForUpdate, Wait: wait...}.
func ForUpdate(wait ...LockWait) Lock { return lockOf(LockForUpdate, wait) }

// ForShare is Lock{Strength: LockForShare, Wait: wait...}.
func ForShare(wait ...LockWait) Lock { return lockOf(LockForShare, wait) }

func lockOf(s LockStrength, wait []LockWait) Lock {
	l := Lock{Strength: s}
	if len(wait) > 0 {
		l.Wait = wait[0]
	}
	return l
}

// lockClause checks a find's locks and returns its locking clause ("" for
// none). It runs before anything is sent.
func (h *handle) lockClause(m *Model, act Action, fa *FindArgs) (string, error) {
	if err := noNestedLocks(m, fa.Include, "include"); err != nil {
		return "", err
	}
	l := fa.Lock
	if l == (Lock{}) {
		return "", nil
	}
	if l.Strength == LockNone || int(l.Strength) >= len(lockStrengthSQL) {
		return "", validationErr(m, "lock", "unknown lock strength %d", l.Strength)
	}
	if int(l.Wait) >= len(lockWaitSQL) {
		return "", validationErr(m, "lock", "unknown lock wait policy %d", l.Wait)
	}
	if h.tx == nil {
		return "", validationErr(m, "lock", "row locks hold until the transaction ends: run %s with a lock inside Transaction or Batch", act)
	}
	return lockStrengthSQL[l.Strength] + " OF t0" + lockWaitSQL[l.Wait], nil
}

func noNestedLocks(m *Model, incs []Include, path string) error {
	for _, in := range incs {
		if in.Args == nil {
			continue
		}
		p := joinPath(path, in.Relation)
		if in.Args.Lock != (Lock{}) {
			return validationErr(m, joinPath(p, "lock"), "locks apply to the top level of a find only")
		}
		if r := m.relations[in.Relation]; r != nil {
			if err := noNestedLocks(r.target, in.Args.Include, p); err != nil {
				return err
			}
		}
	}
	return nil
}
