/**
 * The registry's decisions, as Lua scripts Redis runs atomically: whatever a script reads it
 * also changes before any other client's command runs, so 20 simultaneous joins to a 4-seat
 * room on several processes admit exactly 4. Each script takes one JSON argument, and every
 * change is published on one channel from inside the script, so every process sees the changes
 * in the order they were made (server/cluster/registry.ts).
 *
 * Keys (all under `dropcall:`): `rooms` (set of ids), `room:<id>` (hash: seats, devices),
 * `room:<id>:seats` (peer id → seat JSON), `room:<id>:tokens` (resume token → peer id),
 * `expiries` (room id → when it ends if still empty), `away` ("room peer" → when a held seat
 * is freed), `nodes` and `node:<id>` (the processes and their heartbeats), `node:<id>:seats`,
 * the shared files (server/cluster/files.ts): `files`, `room:<id>:files`, `node:<id>:files`,
 * connections per address (server/cluster/connections.ts): `connections:<address>`,
 * `node:<id>:addresses`, and the storage ledger (server/cluster/ledger.ts): `quota:entries`,
 * `quota:room-bytes`, `quota:room-files`, `quota:store`, `quota:seats`, `quota:addresses`,
 * `node:<id>:reservations`.
 */

export const KEY_PREFIX = 'dropcall:';
export const EVENTS_CHANNEL = `${KEY_PREFIX}events`;

/** What every script starts with: the key names and the steps several scripts share. */
export const prelude = `
local P = '${KEY_PREFIX}'
local a = cjson.decode(ARGV[1])
local function now()
	local t = redis.call('TIME')
	return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function publish(event) redis.call('PUBLISH', P .. 'events', cjson.encode(event)) end
local function roomKey(id) return P .. 'room:' .. id end
local function seatsKey(id) return P .. 'room:' .. id .. ':seats' end
local function tokensKey(id) return P .. 'room:' .. id .. ':tokens' end
local function nodeSeatsKey(node) return P .. 'node:' .. node .. ':seats' end
local function describe(id)
	local room = redis.call('HMGET', roomKey(id), 'seats', 'devices')
	return cjson.encode({ seats = tonumber(room[1]), taken = redis.call('HLEN', seatsKey(id)), devices = room[2] })
end
local function freeSeat(roomId, peerId, emptyMs)
	local raw = redis.call('HGET', seatsKey(roomId), peerId)
	if not raw then return false end
	local seat = cjson.decode(raw)
	local member = roomId .. ' ' .. peerId
	redis.call('HDEL', seatsKey(roomId), peerId)
	redis.call('HDEL', tokensKey(roomId), seat.resumeToken)
	redis.call('ZREM', P .. 'away', member)
	if seat.node ~= '' then redis.call('SREM', nodeSeatsKey(seat.node), member) end
	if redis.call('HLEN', seatsKey(roomId)) == 0 then
		redis.call('ZADD', P .. 'expiries', now() + emptyMs, roomId)
	end
	publish({ type = 'left', roomId = roomId, peerId = peerId })
	return true
end
local function holdSeat(roomId, seat, graceMs)
	local member = roomId .. ' ' .. seat.peerId
	if seat.node ~= '' then redis.call('SREM', nodeSeatsKey(seat.node), member) end
	seat.connectionId = ''
	seat.node = ''
	local raw = cjson.encode(seat)
	redis.call('HSET', seatsKey(roomId), seat.peerId, raw)
	redis.call('ZADD', P .. 'away', now() + graceMs, member)
	publish({ type = 'away', roomId = roomId, peerId = seat.peerId })
	return raw
end
local function dropNodeFiles(node)
	for _, id in ipairs(redis.call('SMEMBERS', P .. 'node:' .. node .. ':files')) do
		local raw = redis.call('HGET', P .. 'files', id)
		if raw then
			local file = cjson.decode(raw)
			redis.call('HDEL', P .. 'files', id)
			redis.call('SREM', roomKey(file.roomId) .. ':files', id)
			publish({ type = 'file-lost', roomId = file.roomId, fileId = id })
		end
	end
	redis.call('DEL', P .. 'node:' .. node .. ':files')
end
local function addTo(key, field, by)
	if redis.call('HINCRBY', key, field, by) <= 0 then redis.call('HDEL', key, field) end
end
local function freeReservation(id)
	local raw = redis.call('HGET', P .. 'quota:entries', id)
	if not raw then return 0 end
	local e = cjson.decode(raw)
	redis.call('HDEL', P .. 'quota:entries', id)
	redis.call('SREM', P .. 'node:' .. e.node .. ':reservations', id)
	addTo(P .. 'quota:room-bytes', e.roomId, -e.counted)
	addTo(P .. 'quota:room-files', e.roomId, -1)
	addTo(P .. 'quota:store', 'bytes', -e.counted)
	addTo(P .. 'quota:store', 'files', -1)
	if not e.isFinished then
		addTo(P .. 'quota:seats', e.peerId, -e.size)
		addTo(P .. 'quota:addresses', e.address, -e.size)
	end
	return 1
end
local function releaseNode(node, graceMs)
	dropNodeFiles(node)
	for _, id in ipairs(redis.call('SMEMBERS', P .. 'node:' .. node .. ':reservations')) do
		freeReservation(id)
	end
	redis.call('DEL', P .. 'node:' .. node .. ':reservations')
	for _, address in ipairs(redis.call('SMEMBERS', P .. 'node:' .. node .. ':addresses')) do
		redis.call('HDEL', P .. 'connections:' .. address, node)
	end
	redis.call('DEL', P .. 'node:' .. node .. ':addresses')
	local held = 0
	for _, member in ipairs(redis.call('SMEMBERS', nodeSeatsKey(node))) do
		local roomId, peerId = string.match(member, '^(%S+) (%S+)$')
		local raw = redis.call('HGET', seatsKey(roomId), peerId)
		if raw then
			local seat = cjson.decode(raw)
			if seat.node == node then
				holdSeat(roomId, seat, graceMs)
				held = held + 1
			end
		end
	end
	redis.call('DEL', nodeSeatsKey(node))
	return held
end
`;

/** { roomId, seats, devices, maxRooms, unjoinedMs } → 'ok' | 'server-full' */
export const createScript = `${prelude}
if redis.call('SCARD', P .. 'rooms') >= a.maxRooms then return 'server-full' end
redis.call('SADD', P .. 'rooms', a.roomId)
redis.call('HSET', roomKey(a.roomId), 'seats', a.seats, 'devices', a.devices)
redis.call('ZADD', P .. 'expiries', now() + a.unjoinedMs, a.roomId)
publish({ type = 'created', roomId = a.roomId, seats = a.seats, devices = a.devices })
return 'ok'
`;

/**
 * { roomId, peerId, resumeToken, name, media, connectionId, node } →
 * [code, room] | ['ok', room, seat, resumed, replacedConnectionId, ...every seat]
 */
export const joinScript = `${prelude}
local room = redis.call('HMGET', roomKey(a.roomId), 'seats', 'devices')
if not room[1] then return { 'room-not-found' } end
local capacity = tonumber(room[1])
local devices = room[2]
if (devices == 'video' and not (a.media.audio and a.media.video)) or (devices == 'audio' and not a.media.audio) then
	return { 'devices-required', describe(a.roomId) }
end
local seat
local resumed = '0'
local replaced = ''
local resumedPeer = false
if a.resumeToken ~= '' then resumedPeer = redis.call('HGET', tokensKey(a.roomId), a.resumeToken) end
if resumedPeer then
	seat = cjson.decode(redis.call('HGET', seatsKey(a.roomId), resumedPeer))
	replaced = seat.connectionId
	if seat.node ~= '' then redis.call('SREM', nodeSeatsKey(seat.node), a.roomId .. ' ' .. seat.peerId) end
	redis.call('ZREM', P .. 'away', a.roomId .. ' ' .. seat.peerId)
	resumed = '1'
else
	if redis.call('HLEN', seatsKey(a.roomId)) >= capacity then return { 'room-full', describe(a.roomId) } end
	seat = { peerId = a.peerId, resumeToken = a.newResumeToken }
	redis.call('HSET', tokensKey(a.roomId), seat.resumeToken, seat.peerId)
	redis.call('ZREM', P .. 'expiries', a.roomId)
end
seat.name = a.name
seat.media = a.media
seat.connectionId = a.connectionId
seat.node = a.node
redis.call('HSET', seatsKey(a.roomId), seat.peerId, cjson.encode(seat))
redis.call('SADD', nodeSeatsKey(a.node), a.roomId .. ' ' .. seat.peerId)
publish({ type = 'seated', roomId = a.roomId, seats = capacity, devices = devices, seat = seat })
local answer = { 'ok', describe(a.roomId), cjson.encode(seat), resumed, replaced }
for _, raw in ipairs(redis.call('HVALS', seatsKey(a.roomId))) do table.insert(answer, raw) end
return answer
`;

/** { roomId, peerId, connectionId?, emptyMs } → 1 when a seat was freed */
export const leaveScript = `${prelude}
if a.connectionId then
	local raw = redis.call('HGET', seatsKey(a.roomId), a.peerId)
	if not raw or cjson.decode(raw).connectionId ~= a.connectionId then return 0 end
end
if freeSeat(a.roomId, a.peerId, a.emptyMs) then return 1 end
return 0
`;

/** { roomId, peerId, connectionId?, graceMs } → the held seat, or nil */
export const holdScript = `${prelude}
local raw = redis.call('HGET', seatsKey(a.roomId), a.peerId)
if not raw then return false end
local seat = cjson.decode(raw)
if a.connectionId and seat.connectionId ~= a.connectionId then return false end
return holdSeat(a.roomId, seat, a.graceMs)
`;

/** { roomId, peerId, media } → the updated seat, or nil */
export const mediaScript = `${prelude}
local raw = redis.call('HGET', seatsKey(a.roomId), a.peerId)
if not raw then return false end
local seat = cjson.decode(raw)
seat.media = a.media
raw = cjson.encode(seat)
redis.call('HSET', seatsKey(a.roomId), a.peerId, raw)
publish({ type = 'updated', roomId = a.roomId, seat = seat })
return raw
`;

/** { node, graceMs } → seats held: a process stopping gives its people the grace to resume. */
export const releaseNodeScript = `${prelude}
redis.call('SREM', P .. 'nodes', a.node)
redis.call('DEL', P .. 'node:' .. a.node)
return releaseNode(a.node, a.graceMs)
`;

/**
 * { graceMs, emptyMs } → seats and rooms changed. Any process may run it at any time: seats of
 * a process whose heartbeat stopped are held for the grace, seats whose grace ran out are
 * freed, and rooms empty past their time end.
 */
export const sweepScript = `${prelude}
local changed = 0
for _, node in ipairs(redis.call('SMEMBERS', P .. 'nodes')) do
	if redis.call('EXISTS', P .. 'node:' .. node) == 0 then
		changed = changed + releaseNode(node, a.graceMs)
		redis.call('SREM', P .. 'nodes', node)
	end
end
local t = now()
for _, member in ipairs(redis.call('ZRANGEBYSCORE', P .. 'away', '-inf', t)) do
	redis.call('ZREM', P .. 'away', member)
	local roomId, peerId = string.match(member, '^(%S+) (%S+)$')
	local raw = redis.call('HGET', seatsKey(roomId), peerId)
	if raw and cjson.decode(raw).connectionId == '' then
		freeSeat(roomId, peerId, a.emptyMs)
		changed = changed + 1
	end
end
for _, roomId in ipairs(redis.call('ZRANGEBYSCORE', P .. 'expiries', '-inf', t)) do
	redis.call('ZREM', P .. 'expiries', roomId)
	if redis.call('HLEN', seatsKey(roomId)) == 0 then
		redis.call('DEL', roomKey(roomId), seatsKey(roomId), tokensKey(roomId), roomKey(roomId) .. ':files')
		redis.call('SREM', P .. 'rooms', roomId)
		publish({ type = 'ended', roomId = roomId })
		changed = changed + 1
	end
end
return changed
`;

/**
 * { roomId, seats, devices, members: [{ seat, isHere }], node, graceMs, emptyMs } → 'ok'.
 * Writes back one room as a process knows it, after Redis came back without it (restarted
 * without persistence): the seats connected to this process as they are, every other seat
 * only if missing and as held, so the process that holds it (if any) or the grace decides.
 */
export const restoreScript = `${prelude}
if redis.call('EXISTS', roomKey(a.roomId)) == 0 then
	redis.call('SADD', P .. 'rooms', a.roomId)
	redis.call('HSET', roomKey(a.roomId), 'seats', a.seats, 'devices', a.devices)
end
local deadline = now() + a.graceMs
for _, member in ipairs(a.members) do
	local seat = member.seat
	local key = a.roomId .. ' ' .. seat.peerId
	redis.call('HSET', tokensKey(a.roomId), seat.resumeToken, seat.peerId)
	if member.isHere then
		seat.node = a.node
		redis.call('HSET', seatsKey(a.roomId), seat.peerId, cjson.encode(seat))
		redis.call('SADD', nodeSeatsKey(a.node), key)
		redis.call('ZREM', P .. 'away', key)
	else
		seat.connectionId = ''
		seat.node = ''
		if redis.call('HSETNX', seatsKey(a.roomId), seat.peerId, cjson.encode(seat)) == 1 then
			redis.call('ZADD', P .. 'away', 'NX', deadline, key)
		end
	end
end
if redis.call('HLEN', seatsKey(a.roomId)) == 0 then
	redis.call('ZADD', P .. 'expiries', 'NX', now() + a.emptyMs, a.roomId)
else
	redis.call('ZREM', P .. 'expiries', a.roomId)
end
return 'ok'
`;
