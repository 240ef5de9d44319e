
/*
 * Privileges.  PUBLIC gets nothing that writes or reads customer data: the
 * README gives the GRANTs for an application role and a reporting role.
 * Pure functions (the aggregates, code normalization, random codes and
 * permutations, the arithmetic and simulation of bonuses, the payload of
 * a draw's outcome message, which the notification view calls) and verify_draw,
 * which reads only what its caller may read, stay open to everyone.
 */
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA promo_draw FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	promo_draw.ticket_larger(uuid, uuid),
	promo_draw.best_ticket(uuid),
	promo_draw.best_tickets_trans(internal, uuid, integer),
	promo_draw.best_tickets_combine(internal, internal),
	promo_draw.best_tickets_serialize(internal),
	promo_draw.best_tickets_deserialize(bytea, internal),
	promo_draw.best_tickets_final(internal),
	promo_draw.best_tickets(uuid, integer),
	promo_draw.stake_tickets_trans(internal, numeric, numeric),
	promo_draw.stake_tickets_combine(internal, internal),
	promo_draw.stake_tickets_serialize(internal),
	promo_draw.stake_tickets_deserialize(bytea, internal),
	promo_draw.stake_tickets_final(internal),
	promo_draw.stake_tickets(numeric, numeric),
	promo_draw.calling_role(),
	promo_draw.verify_draw(bigint),
	promo_draw.digest_text(text),
	promo_draw.normalize_code(text),
	promo_draw.code_label(text, bigint),
	promo_draw.random_code(integer),
	promo_draw.random_permutation(bigint),
	promo_draw.playthrough_required(numeric, numeric),
	promo_draw.playthrough_expected_balance(numeric, numeric, numeric),
	promo_draw.simulate_playthrough(numeric, numeric, numeric, numeric, integer, numeric, bigint),
	promo_draw.bonus_status_now(promo_draw.bonus),
	promo_draw.outcome_payload(text, bigint, text, text, text, text, bigint, numeric, jsonb)
TO PUBLIC;
