package engine

import "unicode/utf8"

// UTF8Buffer joins token pieces into text. A piece may end in the middle of a multi-byte
// character; those bytes are held back until the character is complete.
type UTF8Buffer struct{ pending []byte }

// Write adds a piece and returns the text that is now complete.
func (b *UTF8Buffer) Write(piece []byte) string {
	b.pending = append(b.pending, piece...)
	cut := len(b.pending)
	// Hold back an incomplete trailing sequence (at most 3 bytes of a 4-byte character).
	for i := 1; i <= 3 && i <= len(b.pending); i++ {
		c := b.pending[len(b.pending)-i]
		if c < 0x80 {
			break
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b.pending[len(b.pending)-i:]) {
				cut = len(b.pending) - i
			}
			break
		}
	}
	out := string(b.pending[:cut]) // invalid bytes become U+FFFD when shown
	b.pending = append(b.pending[:0], b.pending[cut:]...)
	return out
}

// Flush returns whatever is held back (an unfinished character at the very end).
func (b *UTF8Buffer) Flush() string {
	out := string(b.pending)
	b.pending = b.pending[:0]
	return out
}
