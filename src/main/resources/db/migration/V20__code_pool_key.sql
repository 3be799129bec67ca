-- A pool's codes are known by their code. The oldest free code of a connector is found by
-- license_code_pool_free_idx, and that index alone must give the order: with an index on the id as well,
-- the planner walked the ids from the first code ever loaded, past every code taken since (and past
-- other connectors' codes), which grew with each code taken (7 ms a draw after 10,000 in the benchmark).
ALTER TABLE license_code_pool DROP CONSTRAINT license_code_pool_pkey, DROP CONSTRAINT license_code_pool_code_key,
    ADD PRIMARY KEY (code);
