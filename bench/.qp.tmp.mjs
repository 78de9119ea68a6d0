import Database from 'better-sqlite3';
const db = new Database(process.argv[2], { readonly: true });
console.log(db.prepare("EXPLAIN QUERY PLAN SELECT json_group_array(p.id), json_group_array(json(p.attributes)) FROM participants p WHERE p.id BETWEEN ? AND ? AND +p.study_id = ?").all(1, 5, 1));
for (const q of ["SELECT json_group_array(participant_id), json_group_array(value) FROM answers WHERE question_id = ?", "SELECT json_group_array(e.participant_id), json_group_array(t.code) FROM theme_evidence e JOIN themes t ON t.id = e.theme_id WHERE t.study_id = ?", "SELECT json_group_array(t.participant_id), json_group_array(t.tag) FROM participant_tags t JOIN participants p ON p.id = t.participant_id WHERE p.study_id = ?", "SELECT json_group_array(i.participant_id), json_group_array(i.status) FROM interviews i JOIN participants p ON p.id = i.participant_id WHERE p.study_id = ?"]) {
console.log(q.slice(0, 80)); console.log(db.prepare("EXPLAIN QUERY PLAN " + q).all(1).map(r => r.detail));
const t = performance.now(); db.prepare(q).raw().get(1); console.log(Math.round(performance.now() - t), 'ms');
}
