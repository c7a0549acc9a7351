-- saker/crud's members page (20 rows from offset 40, the count as a scalar subquery), as it sends it
\set lim 20
\set off 40
select id, first_name, last_name, email, (select count(*) from bench_members) from bench_members order by id limit :lim offset :off;
