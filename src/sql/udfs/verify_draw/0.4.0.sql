/*
 * verify_draw: recompute a drawn draw in plain SQL with pgcrypto, from its
 * revealed seed, its entries and its prize table, independently of the C
 * code that drew it.  The ticket formula (HMAC-SHA256 of draw, customer and
 * ticket number under the seed) and the prize walk are deliberately written
 * a second time here, apart from src/ticket.c and src/draw.c: a check that
 * called the code it checks would prove nothing.  So are the serialisations
 * of the digests (src/digest.c, doc/record-format.md) and a sealed draw's
 * ticket keys (src/sealed_order.c), in numeric: to 130 decimal places in
 * digest version 2, whose keys order as real numbers.  The body is bound
 * when the extension is created, so it needs no search_path.  The 'ineligible' decisions are taken as
 * recorded (the eligibility function answered at draw time), but each must
 * sit where the draw would have asked: at a would-be winner's first ticket
 * while prizes remained, or at the best ticket of a customer about to get
 * the default prize.
 */
CREATE FUNCTION promo_draw.verify_draw(draw_id bigint)
RETURNS TABLE (check_name text, ok boolean, detail text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
WITH d AS (
	SELECT q.id AS draw_id, dr.status, dr.max_wins_per_customer AS m, dr.requires_opt_in,
	       dr.default_prize, dr.participants, dr.tickets_total, dr.seed_hash,
	       rv.seed, coalesce(dr.sealed, false) AS sealed,
	       coalesce(rv.seed IS NOT NULL OR (dr.sealed AND dr.status = 'drawn'), false) AS revealed,
	       CASE WHEN dr.sealed THEN 'The draw has not run yet.' ELSE 'The seed is not revealed.' END AS hidden,
	       CASE WHEN dr.eligibility IS NOT NULL THEN dr.eligibility_identity END AS eligibility_identity,
	       dr.beacon_source, dr.entry_digest, dr.sealed_at, dr.beacon, dr.beacon_reference, dr.beacon_at,
	       dr.lose_message, dr.beacon_due_at, dr.seal_committed_at, dr.prize_digest, dr.digest_version,
	       coalesce(dr.digest_version = 2, false) AS by_ref
	FROM (VALUES (verify_draw.draw_id)) AS q(id)
	LEFT JOIN @draw@ dr ON dr.draw_id = q.id
	LEFT JOIN @draw_reveal@ rv ON rv.draw_id = q.id
),
entries AS (
	SELECT e.customer_id, e.tickets, e.best, e.opted_in, e.entry_ref
	FROM @entry_reveal@ e
	WHERE e.draw_id = verify_draw.draw_id
),
recomputed AS (
	SELECT e.customer_id,
	       (array_agg(DISTINCT encode(substr(hmac(int8send(d.draw_id) || int8send(e.customer_id)
	                                              || int8send(j), d.seed, 'sha256'), 1, 16), 'hex')::uuid
	                  ORDER BY encode(substr(hmac(int8send(d.draw_id) || int8send(e.customer_id)
	                                              || int8send(j), d.seed, 'sha256'), 1, 16), 'hex')::uuid DESC)
	       )[1:d.m] AS best
	FROM d, entries e, generate_series(1, e.tickets) j
	GROUP BY e.customer_id, d.m
),
ticket_check AS (
	SELECT count(*) AS checked,
	       count(*) FILTER (WHERE e.best IS DISTINCT FROM coalesce(r.best, '{}')) AS wrong,
	       min(e.customer_id) FILTER (WHERE e.best IS DISTINCT FROM coalesce(r.best, '{}')) AS first_wrong
	FROM entries e LEFT JOIN recomputed r ON r.customer_id = e.customer_id
),
participant AS (
	SELECT e.customer_id, e.tickets, e.best, e.entry_ref
	FROM d, entries e
	WHERE e.tickets > 0 AND (e.opted_in OR NOT d.requires_opt_in)
),
prize_bytes AS (
	-- the prize table in prize order, as the digests take it: without the
	-- payloads (sealed digest version 1) and with them
	SELECT count(*) AS n,
	       coalesce(string_agg(int8send(p.prize_id) || promo_draw.digest_text(p.name)
	                           || promo_draw.digest_text(p.value::text) || int8send(p.quantity::bigint),
	                           ''::bytea ORDER BY p.value DESC, p.prize_id), ''::bytea) AS plain,
	       coalesce(string_agg(int8send(p.prize_id) || promo_draw.digest_text(p.name)
	                           || promo_draw.digest_text(p.value::text) || int8send(p.quantity::bigint)
	                           || promo_draw.digest_text(p.payload::text),
	                           ''::bytea ORDER BY p.value DESC, p.prize_id), ''::bytea) AS with_payload
	FROM @prize@ p WHERE p.draw_id = verify_draw.draw_id
),
prize_digest AS (
	-- doc/record-format.md, "Prize digest"
	SELECT sha256(convert_to('promo_draw prizes v1', 'UTF8') || int8send(d.draw_id)
	              || int8send(d.m::bigint) || promo_draw.digest_text(d.default_prize)
	              || promo_draw.digest_text(d.lose_message)
	              || promo_draw.digest_text(d.eligibility_identity)
	              || int8send(pz.n) || pz.with_payload) AS digest
	FROM d, prize_bytes pz
	WHERE d.prize_digest IS NOT NULL
),
sealed_digest AS (
	-- doc/record-format.md: version 1 by customer_id, version 2 by reference
	SELECT CASE WHEN NOT d.by_ref
	       THEN sha256(convert_to('promo_draw sealed draw v1', 'UTF8') || int8send(d.draw_id)
	              || promo_draw.digest_text(d.beacon_source) || int8send(d.m::bigint)
	              || promo_draw.digest_text(d.default_prize)
	              || promo_draw.digest_text(d.eligibility_identity)
	              || int8send(pz.n) || pz.plain
	              || coalesce((SELECT string_agg(int8send(p.customer_id) || int8send(p.tickets), ''::bytea
	                                             ORDER BY p.customer_id)
	                           FROM participant p), ''::bytea))
	       ELSE sha256(convert_to('promo_draw sealed draw v2', 'UTF8') || int8send(d.draw_id)
	              || promo_draw.digest_text(d.beacon_source)
	              || int8send((extract(epoch FROM d.beacon_due_at) * 1000000)::bigint)
	              || int8send(d.m::bigint) || promo_draw.digest_text(d.default_prize)
	              || promo_draw.digest_text(d.lose_message)
	              || promo_draw.digest_text(d.eligibility_identity)
	              || int8send(pz.n) || pz.with_payload
	              || coalesce((SELECT string_agg(uuid_send(p.entry_ref) || int8send(p.tickets), ''::bytea
	                                             ORDER BY p.entry_ref)
	                           FROM participant p), ''::bytea))
	       END AS digest
	FROM d, prize_bytes pz
	WHERE d.sealed
	UNION ALL
	-- a seeded draw's entries, digested when it ran (from 0.4.0)
	SELECT sha256(convert_to('promo_draw seeded draw v2', 'UTF8') || int8send(d.draw_id)
	              || d.seed_hash || int8send(d.m::bigint) || promo_draw.digest_text(d.default_prize)
	              || promo_draw.digest_text(d.lose_message)
	              || promo_draw.digest_text(d.eligibility_identity)
	              || int8send(pz.n) || pz.with_payload
	              || coalesce((SELECT string_agg(uuid_send(p.entry_ref) || int8send(p.tickets)
	                                             || int8send(cardinality(p.best)::bigint)
	                                             || (SELECT coalesce(string_agg(uuid_send(b.t), ''::bytea
	                                                                            ORDER BY b.k), ''::bytea)
	                                                 FROM unnest(p.best) WITH ORDINALITY b(t, k)),
	                                             ''::bytea ORDER BY p.entry_ref)
	                           FROM participant p), ''::bytea))
	FROM d, prize_bytes pz
	WHERE NOT d.sealed AND d.by_ref
),
sealed_hmac AS (
	-- h_i for a customer's first min(tickets, max_wins) tickets, x_i its
	-- first 8 bytes as an unsigned integer
	SELECT p.customer_id, p.entry_ref, p.tickets, i AS rank, h,
	       ('x' || encode(substr(h, 1, 8), 'hex'))::bit(64)::bigint::numeric
	       + CASE WHEN get_byte(h, 0) >= 128 THEN 18446744073709551616 ELSE 0 END AS x
	FROM d, participant p, generate_series(1, least(p.tickets, d.m::bigint)) i,
	     LATERAL hmac(d.entry_digest
	                  || CASE WHEN d.by_ref THEN uuid_send(p.entry_ref) ELSE int8send(p.customer_id) END
	                  || int8send(i), d.beacon, 'sha256') h
	WHERE d.sealed AND d.revealed
),
sealed_key AS (
	-- key_j = sum over i <= j of -ln(u_i) / (n - i + 1), u_i = (2 x_i + 1) / 2^65
	-- exactly, in numeric as src/sealed_order.c computes it: digest version 2
	-- to 130 decimal places (u is exact in 65)
	SELECT k.customer_id, k.entry_ref, encode(substr(k.h, 1, 16), 'hex')::uuid AS ticket, k.rank,
	       sum(CASE WHEN d.by_ref
	                THEN -ln(((2 * k.x + 1) * 0.00000000000000000002710505431213761085018632002174854278564453125)::numeric(200, 130))
	                ELSE -ln((2 * k.x + 1) * 0.00000000000000000002710505431213761085018632002174854278564453125)
	           END / (k.tickets - k.rank + 1))
	           OVER (PARTITION BY k.customer_id ORDER BY k.rank) AS key
	FROM d, sealed_hmac k
),
ordered AS (
	-- equal tickets (a seeded draw) or keys (a sealed one) go by reference
	-- from digest version 2, by customer before
	SELECT e.customer_id, e.entry_ref, b.ticket, b.rank,
	       row_number() OVER w AS place,
	       coalesce(lag(b.ticket) OVER w = b.ticket, false) AS repeat
	FROM d, entries e, unnest(e.best) WITH ORDINALITY AS b(ticket, rank)
	WHERE NOT d.sealed AND e.tickets > 0 AND (e.opted_in OR NOT d.requires_opt_in)
	WINDOW w AS (ORDER BY b.ticket DESC, CASE WHEN d.by_ref THEN e.entry_ref END, e.customer_id)
	UNION ALL
	-- a sealed draw: smallest key first, as a drum gives them; no repeats
	SELECT k.customer_id, k.entry_ref, k.ticket, k.rank,
	       row_number() OVER (ORDER BY k.key, CASE WHEN d.by_ref THEN k.entry_ref END,
	                                   k.customer_id, k.rank) AS place,
	       false AS repeat
	FROM d, sealed_key k
),
stored AS (
	SELECT r.place, r.customer_id, r.ticket, r.prize_id, r.outcome,
	       CASE WHEN d.by_ref THEN r.entry_ref END AS entry_ref
	FROM d, @result@ r
	WHERE r.draw_id = verify_draw.draw_id
),
ineligible AS (
	SELECT DISTINCT s.customer_id FROM stored s WHERE s.outcome = 'ineligible'
),
units AS (
	SELECT p.prize_id, row_number() OVER (ORDER BY p.value DESC, p.prize_id, u) AS k
	FROM @prize@ p, generate_series(1, p.quantity) u
	WHERE p.draw_id = verify_draw.draw_id
),
candidates AS (
	SELECT o.place, o.customer_id, o.ticket, o.entry_ref, row_number() OVER (ORDER BY o.place) AS k
	FROM ordered o
	WHERE NOT o.repeat AND o.customer_id NOT IN (SELECT i.customer_id FROM ineligible i)
),
won AS (
	SELECT c.place, c.customer_id, c.ticket, u.prize_id, 'won'::text AS outcome, c.entry_ref
	FROM candidates c JOIN units u ON u.k = c.k
),
first_ticket AS (
	SELECT DISTINCT ON (o.customer_id) o.place, o.customer_id, o.ticket, o.entry_ref
	FROM ordered o
	WHERE NOT o.repeat
	ORDER BY o.customer_id, o.place
),
prize_ineligible AS (
	-- asked while prizes remained, at their first ticket that counts
	SELECT f.place, f.customer_id, f.ticket, NULL::bigint AS prize_id, 'ineligible'::text AS outcome,
	       f.entry_ref
	FROM first_ticket f
	WHERE f.customer_id IN (SELECT i.customer_id FROM ineligible i)
	  AND (SELECT count(*) FROM won w WHERE w.place < f.place) < (SELECT count(*) FROM units)
),
consolation AS (
	-- everyone else who won nothing, at their best ticket: the default
	-- prize (for which eligibility was asked) or the lose message
	SELECT o.place, o.customer_id, o.ticket, NULL::bigint AS prize_id,
	       CASE WHEN d.default_prize IS NULL THEN 'lost'
	            WHEN o.customer_id IN (SELECT i.customer_id FROM ineligible i) THEN 'ineligible'
	            ELSE 'default' END AS outcome, o.entry_ref
	FROM d, ordered o
	WHERE o.rank = 1
	  AND o.customer_id NOT IN (SELECT w.customer_id FROM won w)
	  AND o.customer_id NOT IN (SELECT p.customer_id FROM prize_ineligible p)
),
expected AS (
	SELECT x.place, x.customer_id, x.ticket, x.prize_id, x.outcome,
	       CASE WHEN d.by_ref THEN x.entry_ref END AS entry_ref
	FROM d, (SELECT * FROM won UNION ALL SELECT * FROM prize_ineligible
	         UNION ALL SELECT * FROM consolation) x
),
result_diff AS (
	SELECT count(*) AS differing, min(x.place) AS first_place
	FROM ((SELECT * FROM stored EXCEPT ALL SELECT * FROM expected)
	      UNION ALL
	      (SELECT * FROM expected EXCEPT ALL SELECT * FROM stored)) x
),
participation AS (
	SELECT count(*) AS participants, coalesce(sum(p.tickets), 0) AS tickets
	FROM participant p
),
messages AS (
	SELECT n.notification_id, n.customer_id, n.kind
	FROM @notification@ n
	WHERE n.draw_id = verify_draw.draw_id AND n.kind IN ('won', 'default', 'lost')
),
message_check AS (
	SELECT (SELECT count(*) FROM stored s WHERE s.outcome <> 'ineligible') AS expected,
	       (SELECT count(*) FROM messages) AS found,
	       (SELECT count(*) FROM (
	           (SELECT s.customer_id, s.outcome FROM stored s WHERE s.outcome <> 'ineligible'
	            EXCEPT ALL
	            SELECT m.customer_id, m.kind FROM messages m)) x) AS missing,
	       (SELECT count(*) - count(DISTINCT m.notification_id) FROM messages m) AS shared
)
SELECT 'drawn', coalesce(d.status = 'drawn', false),
       CASE WHEN d.status IS NULL THEN format('There is no draw %s.', d.draw_id)
            WHEN d.status = 'drawn' AND d.sealed THEN 'The sealed draw has run.'
            WHEN d.status = 'drawn' THEN 'The draw has run and its seed is revealed.'
            WHEN d.sealed THEN format('The sealed draw is %s: it has not run, so nothing can be verified yet.', d.status)
            ELSE format('The draw is %s: its seed is still secret, so nothing can be verified yet.', d.status) END
FROM d
UNION ALL
SELECT 'seed', coalesce(digest(d.seed, 'sha256') = d.seed_hash, false),
       CASE WHEN d.seed IS NULL THEN 'The seed is not revealed.'
            WHEN digest(d.seed, 'sha256') = d.seed_hash THEN 'sha256(seed) equals the seed_hash published when the draw was created.'
            ELSE 'sha256(seed) does not equal the published seed_hash.' END
FROM d WHERE NOT d.sealed
UNION ALL
SELECT 'tickets', d.seed IS NOT NULL AND t.wrong = 0,
       CASE WHEN d.seed IS NULL THEN 'The seed is not revealed.'
            WHEN t.wrong = 0 THEN format('The best tickets of all %s entries match the tickets recomputed from the seed.', t.checked)
            ELSE format('%s of %s entries hold best tickets that the seed does not give, customer %s first.',
                        t.wrong, t.checked, t.first_wrong) END
FROM d, ticket_check t WHERE NOT d.sealed
UNION ALL
SELECT 'digest', d.entry_digest IS NOT NULL AND sd.digest = d.entry_digest,
       CASE WHEN d.entry_digest IS NULL THEN 'The draw is not sealed yet.'
            WHEN sd.digest = d.entry_digest AND d.sealed
            THEN format('The entries, prizes and rules give the digest %s, published when the draw was sealed at %s.',
                        encode(d.entry_digest, 'hex'), d.sealed_at)
            WHEN sd.digest = d.entry_digest
            THEN format('The entries, their best tickets, the prizes and the rules give the digest %s, stored when the draw ran.',
                        encode(d.entry_digest, 'hex'))
            WHEN d.sealed
            THEN format('The entries, prizes and rules now give the digest %s, not the %s sealed at %s: something changed after the seal.',
                        encode(sd.digest, 'hex'), encode(d.entry_digest, 'hex'), d.sealed_at)
            ELSE format('The entries, prizes and rules now give the digest %s, not the %s stored when the draw ran: something changed since.',
                        encode(sd.digest, 'hex'), encode(d.entry_digest, 'hex')) END
FROM d, sealed_digest sd
UNION ALL
SELECT 'prizes', pd.digest = d.prize_digest,
       CASE WHEN pd.digest = d.prize_digest
            THEN format('The rules and the prize table, payloads included, give the prize digest %s, stored when the draw became ready.',
                        encode(d.prize_digest, 'hex'))
            ELSE format('The rules and the prize table now give the prize digest %s, not the %s stored when the draw became ready: a prize changed since.',
                        encode(pd.digest, 'hex'), encode(d.prize_digest, 'hex')) END
FROM d, prize_digest pd
UNION ALL
SELECT 'beacon', CASE WHEN d.beacon_due_at IS NULL THEN coalesce(d.beacon_at > d.sealed_at, false)
                      ELSE coalesce(d.seal_committed_at < d.beacon_due_at AND d.beacon_at >= d.beacon_due_at, false) END,
       CASE WHEN d.beacon IS NULL THEN 'The draw has no beacon value yet.'
            WHEN d.beacon_due_at IS NOT NULL AND d.seal_committed_at < d.beacon_due_at AND d.beacon_at >= d.beacon_due_at
            THEN format('The seal committed at %s, before the beacon value was due at %s; the value %s (%s) was given at %s; it was to come from: %s.',
                        d.seal_committed_at, d.beacon_due_at, encode(d.beacon, 'hex'),
                        coalesce(d.beacon_reference, 'no reference given'), d.beacon_at, d.beacon_source)
            WHEN d.beacon_due_at IS NOT NULL
            THEN format('The seal committed at %s and the beacon value was given at %s, but the value was due at %s: the seal must commit before it and the value come at or after it.',
                        coalesce(d.seal_committed_at::text, 'an unknown time'), d.beacon_at, d.beacon_due_at)
            WHEN d.beacon_at > d.sealed_at
            THEN format('The beacon value %s (%s) was given at %s, after the seal at %s; it was to come from: %s.',
                        encode(d.beacon, 'hex'), coalesce(d.beacon_reference, 'no reference given'),
                        d.beacon_at, d.sealed_at, d.beacon_source)
            ELSE format('The beacon value was given at %s, not after the seal at %s.', d.beacon_at, d.sealed_at) END
FROM d WHERE d.sealed
UNION ALL
SELECT 'participants', d.revealed AND p.participants = d.participants AND p.tickets = d.tickets_total,
       CASE WHEN NOT d.revealed THEN d.hidden
            WHEN p.participants = d.participants AND p.tickets = d.tickets_total
            THEN format('%s participants holding %s tickets, as recorded when the draw ran.', p.participants, p.tickets)
            ELSE format('The entries now hold %s participants with %s tickets; the draw recorded %s with %s.',
                        p.participants, p.tickets, d.participants, d.tickets_total) END
FROM d, participation p
UNION ALL
SELECT 'results', d.revealed AND r.differing = 0,
       CASE WHEN NOT d.revealed THEN d.hidden
            WHEN r.differing = 0 THEN format('All %s results match the assignment recomputed from the entries and the prize table.',
                                             (SELECT count(*) FROM stored))
            ELSE format('%s result rows differ from the recomputed assignment, first at place %s.',
                        r.differing, r.first_place) END
FROM d, result_diff r
UNION ALL
SELECT 'messages', d.revealed AND mc.missing = 0 AND mc.found = mc.expected AND mc.shared = 0,
       CASE WHEN NOT d.revealed THEN d.hidden
            WHEN mc.missing = 0 AND mc.found = mc.expected AND mc.shared = 0
            THEN format('Every one of the %s winners and consoled customers has exactly one message.', mc.expected)
            WHEN mc.shared > 0
            THEN format('%s messages share their notification_id with another message of the draw.', mc.shared)
            ELSE format('There are %s messages for %s results, and %s results have no message of their own.',
                        mc.found, mc.expected, mc.missing) END
FROM d, message_check mc;
END;
COMMENT ON FUNCTION promo_draw.verify_draw(bigint) IS
	'recompute a drawn draw in plain SQL with pgcrypto: seed and tickets (a sealed draw: its beacon), the digests of its entries and its prizes, participants, results and messages; ok = false names what differs';
