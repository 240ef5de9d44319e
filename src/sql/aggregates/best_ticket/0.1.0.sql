CREATE FUNCTION promo_draw.ticket_larger(uuid, uuid) RETURNS uuid
	AS 'MODULE_PATHNAME', 'ticket_larger'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.ticket_larger(uuid, uuid) IS
	'the better (greater) of two tickets; transition and combine function of best_ticket';

CREATE AGGREGATE promo_draw.best_ticket(ticket uuid) (
	SFUNC = promo_draw.ticket_larger,
	STYPE = uuid,
	COMBINEFUNC = promo_draw.ticket_larger,
	SORTOP = OPERATOR(pg_catalog.>),
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE promo_draw.best_ticket(uuid) IS
	'the best ticket of the group: the greatest in uuid order; NULL tickets are skipped';
