-- The JSON of an application, with its full history, as the cabinet shows it.
CREATE OR REPLACE FUNCTION application_json(a applications) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', a.id, 'election_id', a.election_id, 'kind', a.kind, 'status', a.status,
        'station_from', a.station_from, 'station_to', a.station_to, 'reason', a.reason,
        'commission', (SELECT json_build_object('id', c.id, 'name_ru', c.name_ru, 'name_ky', c.name_ky)
                         FROM commissions c WHERE c.id = a.commission_id),
        'registry_status', a.registry_status,
        'decision_reason', a.decision_reason,
        'created_at', a.created_at, 'updated_at', a.updated_at,
        'history', (SELECT coalesce(json_agg(json_build_object(
                               'status', e.status, 'at', e.at, 'by', e.actor_role,
                               'commission_id', e.commission_id, 'comment', e.comment)
                               ORDER BY e.at, e.id), '[]')
                      FROM application_events e WHERE e.application_id = a.id),
        'identification', (SELECT json_build_object('device_id', i.device_id, 'at', i.at,
                                                    'matched', i.matched)
                             FROM identifications i WHERE i.application_id = a.id
                            ORDER BY i.at DESC, i.id DESC LIMIT 1))
$$;
