// Package editdist measures how far apart two names are, for the "did you
// mean" suggestions of the command line and of the Prisma-compatible
// validation messages (by bytes: the names compared are ASCII).
package editdist
