package postgres

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// pool is a small connection pool over *pgx.Conn.
//
// It stands in for pgxpool, which needs github.com/jackc/puddle/v2: that
// module is not in go.mod/go.sum yet. Once it is, pool can give way to a
// *pgxpool.Pool: the store only uses acquire/release, and the connections
// and transactions it hands out satisfy the same querier interface.
type pool struct {
	cfg *pgx.ConnConfig
	// sem holds one token per connection handed out or being dialled, so
	// at most cap(sem) connections exist at once.
	sem chan struct{}

	mu     sync.Mutex // protects the fields below
	idle   []*poolConn
	closed bool
}

// poolConn is an idle connection and what the pool knows about it.
type poolConn struct {
	conn     *pgx.Conn
	created  time.Time
	lastUsed time.Time
}

const (
	// pingAfterIdle: a connection idle longer than this is pinged before
	// use, so one the server dropped is replaced instead of failing a
	// request. pgxpool does the same after one second.
	pingAfterIdle = time.Second
	// maxConnLifetime bounds how long a connection is reused, so that a
	// failover or a server-side setting change reaches every connection.
	maxConnLifetime = time.Hour
	// closeTimeout bounds the goodbye sent to the server when a connection
	// is discarded.
	closeTimeout = 5 * time.Second
)

var errPoolClosed = errors.New("connection pool is closed")

func newPool(cfg *pgx.ConnConfig, maxConns int) *pool {
	return &pool{cfg: cfg, sem: make(chan struct{}, maxConns)}
}

// acquire returns a connection, waiting until ctx ends for one to be free.
// The caller must hand it back with release.
func (p *pool) acquire(ctx context.Context) (*poolConn, error) {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	for {
		pc, err := p.popIdle()
		if err != nil {
			<-p.sem
			return nil, err
		}
		if pc == nil {
			break
		}
		if time.Since(pc.created) > maxConnLifetime {
			discard(pc.conn)
			continue
		}
		if time.Since(pc.lastUsed) > pingAfterIdle {
			if err := pc.conn.Ping(ctx); err != nil {
				discard(pc.conn)
				if ctx.Err() != nil {
					<-p.sem
					return nil, ctx.Err()
				}
				continue
			}
		}
		return pc, nil
	}
	conn, err := pgx.ConnectConfig(ctx, p.cfg)
	if err != nil {
		<-p.sem
		return nil, err
	}
	return &poolConn{conn: conn, created: time.Now()}, nil
}

// popIdle takes the most recently used idle connection, or returns nil.
func (p *pool) popIdle() (*poolConn, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errPoolClosed
	}
	n := len(p.idle)
	if n == 0 {
		return nil, nil
	}
	pc := p.idle[n-1]
	p.idle[n-1] = nil
	p.idle = p.idle[:n-1]
	return pc, nil
}

// release hands pc back. A connection that is broken, busy or inside a
// transaction (a query was cut short) is closed rather than reused.
func (p *pool) release(pc *poolConn) {
	defer func() { <-p.sem }()
	c := pc.conn
	if c.IsClosed() || c.PgConn().IsBusy() || c.PgConn().TxStatus() != 'I' {
		discard(c)
		return
	}
	pc.lastUsed = time.Now()
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		discard(c)
		return
	}
	p.idle = append(p.idle, pc)
	p.mu.Unlock()
}

// close closes the idle connections; connections in use are closed when
// they are released.
func (p *pool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, pc := range idle {
		discard(pc.conn)
	}
}

// discard closes c, telling the server if it can within closeTimeout.
func discard(c *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	_ = c.Close(ctx)
}
