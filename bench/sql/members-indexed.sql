-- bench:crud's "filtered (indexed)": id range, last_name <> x, sort -id
\set a 10
\set b 9000
\set lim 20
\set off 40
select id, first_name, last_name, email, (select count(*) from bench_members where id >= :a and id <= :b and last_name <> 'x') from bench_members where id >= :a and id <= :b and last_name <> 'x' order by id desc limit :lim offset :off;
