/// The Lua scripts ``RedisUsageStore`` runs: ``UsageLedger``'s arithmetic, one script per
/// operation, so that each operation is one atomic step on the server however many gateways share
/// it.
///
/// **Why a prelude.** Redis runs each script alone, with no functions shared between scripts, so
/// the parts every operation needs (reading and writing meters and reservations, the release of
/// expired reservations) are one Lua text put in front of each operation's body.
///
/// **Reads first, writes last.** Redis does not roll a script back when it fails half way (a
/// corrupt value, a server out of memory), so every script reads and computes into the tables
/// below and writes nothing until `commit()` at its very end: a failure before it leaves the data
/// untouched, and Redis refuses a script out of memory at its first write, also before anything
/// changed.
///
/// **Numbers.** Lua's numbers are doubles: every integer below 2^53 is exact, which is why the
/// store refuses larger ones before sending. Numbers go into Redis only through `int()`
/// (`%d`), never as Lua numbers, whose conversion to text keeps 14 digits; text that came in as an
/// argument (a time for `ZRANGEBYSCORE`) is passed on as it came. Everything calendar-shaped —
/// bucket indexes, the end of a period, a threshold's line — is computed in Swift and passed in.
///
/// **Order.** The ledger releases expired reservations in deadline order; these scripts release up
/// to `releaseLimit` of them in the sorted set's order (deadline, then id), which differs from the
/// ledger's only in which ones wait for a later call when there are more than that.
///
/// The layout of the keys these scripts use is in ``RedisUsageStore``'s documentation.
enum RedisUsageScripts {
    /// Shared by every script. KEYS: meters (hash), reservations (hash), deadlines (sorted set),
    /// records (list).
    static let prelude = """
        local metersKey, reservationsKey, deadlinesKey, recordsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]

        -- An integer as exact decimal text (tostring would round to 14 digits).
        local function int(number) return string.format('%d', number) end

        -- Meters read in this call, by meter key (false: the meter has no state); the changed ones
        -- are written back by commit(). A meter's value is "LEVEL,UNTIL" (its announcement mark,
        -- empty when it never had one) then ";BUCKET,AMOUNT" per bucket.
        local meterCache, changedMeters = {}, {}

        local function decodeMeter(text)
          -- Refused unless it is exactly what encodeMeter writes: a corrupt meter read as zero
          -- would hand its whole limit out again.
          local rest = string.gsub(text, ';%-?%d+,%-?%d+', '')
          if rest ~= '' and not string.match(rest, '^%-?%d+,%-?%d+$') then
            error('policylang: a meter in the usage store is corrupt')
          end
          local state = {buckets = {}, level = 0, markUntil = nil}
          local level, markUntil = string.match(text, '^(-?%d+),(-?%d+)')
          if level then
            state.level = tonumber(level)
            state.markUntil = tonumber(markUntil)
          end
          for bucket, amount in string.gmatch(text, ';(-?%d+),(-?%d+)') do
            state.buckets[tonumber(bucket)] = tonumber(amount)
          end
          return state
        end

        local function encodeMeter(state)
          local parts = {''}
          if state.markUntil ~= nil then parts[1] = int(state.level) .. ',' .. int(state.markUntil) end
          for bucket, amount in pairs(state.buckets) do parts[#parts + 1] = int(bucket) .. ',' .. int(amount) end
          return table.concat(parts, ';')
        end

        -- The meter's state, or nil when it has none (the ledger's `meters[key]`).
        local function meter(key)
          local state = meterCache[key]
          if state == nil then
            local text = redis.call('HGET', metersKey, key)
            if text then state = decodeMeter(text) else state = false end
            meterCache[key] = state
          end
          return state or nil
        end

        -- The meter's state, created when missing, to be written back.
        local function changedMeter(key)
          local state = meter(key)
          if not state then
            state = {buckets = {}, level = 0, markUntil = nil}
            meterCache[key] = state
          end
          changedMeters[key] = true
          return state
        end

        -- The bucket a charge or a reading counts in, and the oldest its window counts: the
        -- meter's newest bucket when that is later than the time's (UsageLedger.current: a meter
        -- never goes back in time).
        local function clamp(state, current, oldest)
          local newest = nil
          if state then
            for bucket in pairs(state.buckets) do
              if newest == nil or bucket > newest then newest = bucket end
            end
          end
          if newest ~= nil and newest > current then return newest, oldest + (newest - current) end
          return current, oldest
        end

        -- Use in the buckets oldest...current.
        local function used(state, oldest, current)
          if not state then return 0 end
          local total = 0
          for bucket, amount in pairs(state.buckets) do
            if bucket >= oldest and bucket <= current then total = total + amount end
          end
          return total
        end

        -- Reservations read in this call, by request id (false: none, or forgotten in this call);
        -- the changed ones are written back by commit(). A reservation is cjson text with every
        -- number as a decimal string: t (reserved at), e (its deadline: the expiry while open, when
        -- it is forgotten once closed), s (open, released, settled), a (the attribution as JSON
        -- text, kept as it came), h (holds: {meter key, bucket, unit, amount}).
        local reservationCache, changedReservations = {}, {}

        local function reservation(id)
          local found = reservationCache[id]
          if found == nil then
            local text = redis.call('HGET', reservationsKey, id)
            if text then found = cjson.decode(text) else found = false end
            reservationCache[id] = found
          end
          return found or nil
        end

        local function putReservation(id, value)
          reservationCache[id] = value or false
          changedReservations[id] = true
        end

        -- A settled request's record, appended by commit().
        local pendingRecord = nil

        -- Releases open reservations whose deadline is at or before now and forgets closed ones
        -- whose keeping time is over (UsageLedger.releaseExpired), at most `limit` of them, so that
        -- one call never holds the server for long; the rest are due on later calls. A released
        -- reservation is kept for one more timeout (its expiry minus its reservation time);
        -- when that is already over too, it is forgotten at once, as the ledger would a moment later.
        local function releaseExpired(nowText, limit)
          local now = tonumber(nowText)
          local due = redis.call('ZRANGEBYSCORE', deadlinesKey, '-inf', nowText, 'LIMIT', 0, limit)
          for _, id in ipairs(due) do
            local found = reservation(id)
            if found and found.s == 'open' then
              for _, hold in ipairs(found.h) do
                -- A bucket no longer kept has left its window: nothing to take back. A request
                -- count is kept: the request was made whether or not it ran.
                local state, bucket = meter(hold[1]), tonumber(hold[2])
                if hold[3] ~= 'requests' and state and state.buckets[bucket] ~= nil then
                  state.buckets[bucket] = state.buckets[bucket] - tonumber(hold[4])
                  changedMeters[hold[1]] = true
                end
              end
              local time, expiresAt = tonumber(found.t), tonumber(found.e)
              local forgetAt = expiresAt + (expiresAt - time)
              if forgetAt <= now then
                putReservation(id, nil)
              else
                found.s = 'released'
                found.e = int(forgetAt)
                putReservation(id, found)
              end
            else
              putReservation(id, nil)
            end
          end
        end

        -- Writes everything this call changed.
        local function commit()
          for key in pairs(changedMeters) do
            redis.call('HSET', metersKey, key, encodeMeter(meterCache[key]))
          end
          for id in pairs(changedReservations) do
            local value = reservationCache[id]
            if value then
              redis.call('HSET', reservationsKey, id, cjson.encode(value))
              redis.call('ZADD', deadlinesKey, value.e, id)
            else
              redis.call('HDEL', reservationsKey, id)
              redis.call('ZREM', deadlinesKey, id)
            end
          end
          if pendingRecord then redis.call('RPUSH', recordsKey, pendingRecord) end
        end

        """

    /// UsageLedger.reserve. ARGV: time, expiresAt, request id, attribution JSON, release limit,
    /// charge count, then per charge: meter key, unit, limit, amount, current bucket, oldest
    /// counted bucket, bucket seconds (0 for a calendar period: no retry-after), span buckets,
    /// mark-until (when an announcement made now lapses), threshold count, then per threshold
    /// its percent and its line (the least use at or over it: ⌈percent × limit / 100⌉, clamped).
    ///
    /// Reply: status (0 reserved, 1 refused, 2 duplicate), charge count, each charge's use
    /// before, refusal count, per refusal (charge index, retry-after seconds or 0 for none),
    /// crossing count, per crossing (charge index, 1 for a refusal else 0, threshold). Indexes
    /// count from 0.
    static let reserve = RedisScript(prelude + """
        local nowText, expiresText, id, attribution = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local now = tonumber(nowText)
        releaseExpired(nowText, tonumber(ARGV[5]))

        local count, position, charges = tonumber(ARGV[6]), 7, {}
        for index = 1, count do
          local charge = {
            key = ARGV[position], unit = ARGV[position + 1], limit = tonumber(ARGV[position + 2]),
            amount = tonumber(ARGV[position + 3]), current = tonumber(ARGV[position + 4]),
            oldest = tonumber(ARGV[position + 5]), bucketSeconds = tonumber(ARGV[position + 6]),
            span = tonumber(ARGV[position + 7]), markUntil = tonumber(ARGV[position + 8]), thresholds = {}}
          local thresholdCount = tonumber(ARGV[position + 9])
          position = position + 10
          for threshold = 1, thresholdCount do
            charge.thresholds[threshold] = {tonumber(ARGV[position]), tonumber(ARGV[position + 1])}
            position = position + 2
          end
          charges[index] = charge
        end

        local usedBefore = {}
        for index, charge in ipairs(charges) do
          charge.current, charge.oldest = clamp(meter(charge.key), charge.current, charge.oldest)
          usedBefore[index] = used(meter(charge.key), charge.oldest, charge.current)
        end

        local function reply(status, refused, crossings)
          local out = {status, count}
          for index = 1, count do out[#out + 1] = usedBefore[index] end
          out[#out + 1] = #refused
          for _, entry in ipairs(refused) do
            out[#out + 1] = entry[1] - 1
            out[#out + 1] = entry[2]
          end
          out[#out + 1] = #crossings
          for _, entry in ipairs(crossings) do
            out[#out + 1] = entry[1] - 1
            out[#out + 1] = entry[2]
            out[#out + 1] = entry[3]
          end
          return out
        end

        -- Announces a threshold (`level`) or a refusal unless already announced this period. A
        -- mark is the highest threshold crossed, plus 1000 once the limit refused
        -- (UsageLedger.mark: the two are kept apart).
        local function announce(charge, level, refusal)
          local state = meter(charge.key)
          local standing = 0
          if state and state.markUntil ~= nil and state.markUntil > now then standing = state.level end
          local refused, threshold = standing >= 1000, standing % 1000
          if refusal then
            if refused then return false end
          elseif threshold >= level then
            return false
          end
          state = changedMeter(charge.key)
          if refusal then
            state.level = 1000 + threshold
          elseif refused then
            state.level = 1000 + level
          else
            state.level = level
          end
          state.markUntil = charge.markUntil
          return true
        end

        -- Seconds until a rolling window has room: its oldest buckets leave one by one. 0 (none)
        -- for a calendar period and for an amount the limit can never hold.
        local function retryDelay(charge, before)
          if charge.bucketSeconds == 0 or charge.amount > charge.limit then return 0 end
          local state = meter(charge.key)
          if not state then return 0 end
          local remaining = before
          for bucket = charge.oldest, charge.current do
            remaining = remaining - (state.buckets[bucket] or 0)
            if remaining + charge.amount <= charge.limit then
              return math.max(1, (bucket + charge.span + 1) * charge.bucketSeconds - now)
            end
          end
          return 0
        end

        if reservation(id) then
          commit()
          return reply(2, {}, {})
        end

        local refused, crossings = {}, {}
        for index, charge in ipairs(charges) do
          if usedBefore[index] + charge.amount > charge.limit then
            refused[#refused + 1] = {index, retryDelay(charge, usedBefore[index])}
          end
        end
        if #refused > 0 then
          for _, entry in ipairs(refused) do
            if announce(charges[entry[1]], 0, true) then crossings[#crossings + 1] = {entry[1], 1, 0} end
          end
          commit()
          return reply(1, refused, crossings)
        end

        local holds = {}
        for index, charge in ipairs(charges) do
          local state = changedMeter(charge.key)
          -- Buckets older than the window counts are never counted again.
          for bucket in pairs(state.buckets) do
            if bucket < charge.oldest then state.buckets[bucket] = nil end
          end
          state.buckets[charge.current] = (state.buckets[charge.current] or 0) + charge.amount
          holds[index] = {charge.key, int(charge.current), charge.unit, int(charge.amount)}
          -- The highest threshold whose line lies in (before, after] is crossed.
          local before, after = usedBefore[index], usedBefore[index] + charge.amount
          for threshold = #charge.thresholds, 1, -1 do
            local percent, line = charge.thresholds[threshold][1], charge.thresholds[threshold][2]
            if before < line and after >= line then
              if announce(charge, percent, false) then crossings[#crossings + 1] = {index, 0, percent} end
              break
            end
          end
        end
        putReservation(id, {t = nowText, e = expiresText, s = 'open', a = attribution, h = holds})
        commit()
        return reply(0, {}, crossings)
        """)

    /// UsageLedger.settle. ARGV: time, request id, release limit, cost, tokens (in plus out),
    /// tokens in, tokens out, 1 when a model follows else 0, model.
    ///
    /// Reply: 0 settled, 1 late, 2 already settled, 3 unknown.
    static let settle = RedisScript(prelude + """
        local nowText, id = ARGV[1], ARGV[2]
        local now = tonumber(nowText)
        releaseExpired(nowText, tonumber(ARGV[3]))

        local found = reservation(id)
        if not found then
          commit()
          return 3
        end
        if found.s == 'settled' then
          commit()
          return 2
        end
        local open = found.s == 'open'
        local cost, tokens = tonumber(ARGV[4]), tonumber(ARGV[5])
        for _, hold in ipairs(found.h) do
          local held = tonumber(hold[4])
          -- A request counts once whatever it used.
          local actual = held
          if hold[3] == 'usd_micros' then actual = cost elseif hold[3] == 'tokens' then actual = tokens end
          -- Released holds were taken back already (but a request count, which a release
          -- keeps); open ones give way to the actual amount.
          local delta = actual
          if open then delta = actual - held elseif hold[3] == 'requests' then delta = 0 end
          -- A bucket no longer kept has left its window: the amount no longer counts anywhere.
          local state, bucket = meter(hold[1]), tonumber(hold[2])
          if state and state.buckets[bucket] ~= nil then
            state.buckets[bucket] = state.buckets[bucket] + delta
            changedMeters[hold[1]] = true
          end
        end
        local model = false
        if ARGV[8] == '1' then model = ARGV[9] end
        pendingRecord = cjson.encode({id, found.t, found.a, model, ARGV[6], ARGV[7], ARGV[4]})
        -- Remembered for one more timeout, so that a repeated completion is recognised.
        local time, expiresAt = tonumber(found.t), tonumber(found.e)
        found.e = int(math.max(expiresAt, now) + (expiresAt - time))
        found.s = 'settled'
        putReservation(id, found)
        commit()
        if open then return 0 end
        return 1
        """)

    /// UsageLedger.used: reads only, releases nothing (as the ledger's `used` does not). ARGV:
    /// meter count, then per meter: key, current bucket, oldest counted bucket. Reply: the uses.
    static let used = RedisScript(prelude + """
        local out = {}
        for index = 1, tonumber(ARGV[1]) do
          local base = 2 + (index - 1) * 3
          local state = meter(ARGV[base])
          local current, oldest = clamp(state, tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]))
          out[index] = used(state, oldest, current)
        end
        return out
        """)
}
