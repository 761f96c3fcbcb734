-- One sequence for every entity id. It advances in blocks of 64: each silo takes a block with one
-- nextval and hands out its ids from memory (hi/lo), so id allocation is not a round trip per entity.
CREATE SEQUENCE IF NOT EXISTS entity_id_block_seq START WITH 1 INCREMENT BY 1;
