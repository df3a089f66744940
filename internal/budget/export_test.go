package budget

// Enqueue is what the middleware does when a request ends.
func Enqueue(b *Budgets, s Settlement) { b.enqueue(s) }
