--@ promo_draw 0.4.0, not released yet: the update from 0.3.0.  An object
--@ that changes in 0.4.0 gets a file of that version, included here (with
--@ OR REPLACE for a function, view or aggregate changed in place) and by
--@ promo_draw--0.4.0.sql; a table changes here with ALTER TABLE and in its
--@ new file with CREATE TABLE.
-- promo_draw 0.3.0 -> 0.4.0.  No object changes: 0.4.0 so far changes the
-- library only (eligibility functions run sandboxed), which also works with
-- the objects of 0.3.0 and of every earlier version.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION promo_draw UPDATE TO '0.4.0'" to load this file. \quit
