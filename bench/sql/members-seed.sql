-- bench:crud's "filtered": the seeds' email like '%@example.com', id >= 10, last_name <> x, sort -id
\set a 10
\set lim 20
\set off 40
select id, first_name, last_name, email, (select count(*) from bench_members where email like '%@example.com' and id >= :a and last_name <> 'x') from bench_members where email like '%@example.com' and id >= :a and last_name <> 'x' order by id desc limit :lim offset :off;
