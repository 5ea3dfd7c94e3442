using System.Text.RegularExpressions;
using Mlflow.Testing.Server;

namespace Mlflow.Testing.Store;

/// <summary>One comparison of a trace search filter: <c>trace.status = 'OK'</c>, <c>tags.env LIKE 'prod%'</c>.</summary>
/// <param name="Kind">attribute, tag, metadata or span.</param>
/// <param name="Key">Attribute name (normalised), tag or metadata key, or span field.</param>
/// <param name="Comparator">Upper-case comparator.</param>
/// <param name="Value">A string, a number (double) or a list of strings.</param>
internal sealed record TraceClause(string Kind, string Key, string Comparator, object Value);

/// <summary>One ordering term of a trace search.</summary>
internal sealed record TraceOrder(string Key, bool Ascending);

/// <summary>
/// The trace search grammar of MLflow (<c>SearchTraceUtils</c>), as far as the embedded server needs it: clauses
/// joined with <c>AND</c>; identifiers <c>trace.</c> / <c>attributes.</c> (or bare) for <c>trace_id</c>,
/// <c>timestamp_ms</c>, <c>execution_time_ms</c>, <c>status</c>, <c>name</c>, <c>run_id</c>,
/// <c>client_request_id</c> and the previews; <c>tags.</c> / <c>tag.</c>; <c>metadata.</c> /
/// <c>request_metadata.</c>; <c>span.name</c> and <c>span.type</c>. Strings take <c>= != LIKE ILIKE RLIKE IN NOT IN</c>,
/// numbers <c>= != &lt; &lt;= &gt; &gt;=</c>.
/// </summary>
internal static class TraceSearch
{
    private static readonly string[] StringComparators = ["RLIKE", "ILIKE", "IN", "LIKE", "NOT IN", "=", "!="];
    private static readonly string[] NumericComparators = ["=", "!=", "<", "<=", ">", ">="];
    private static readonly Dictionary<string, string> Attributes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["request_id"] = "trace_id",
        ["trace_id"] = "trace_id",
        ["timestamp_ms"] = "timestamp_ms",
        ["timestamp"] = "timestamp_ms",
        ["execution_time_ms"] = "execution_time_ms",
        ["execution_time"] = "execution_time_ms",
        ["status"] = "status",
        ["state"] = "status",
        ["name"] = "name",
        ["run_id"] = "run_id",
        ["client_request_id"] = "client_request_id",
        ["request_preview"] = "request_preview",
        ["response_preview"] = "response_preview",
    };
    private static readonly HashSet<string> NumericAttributes = new(StringComparer.Ordinal) { "timestamp_ms", "execution_time_ms" };

    private static readonly Regex Clause = new(
        """^\s*(?<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.(?:`[^`]+`|"[^"]+"|[A-Za-z0-9_.\-]+))?)\s*(?<op>NOT\s+IN\b|RLIKE\b|ILIKE\b|LIKE\b|IN\b|[=!<>]+)\s*(?<value>.*?)\s*$""",
        RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);

    public static IReadOnlyList<TraceClause> Parse(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter)) return [];
        var result = new List<TraceClause>();
        foreach (var part in SplitAnd(filter))
        {
            var match = Clause.Match(part);
            if (!match.Success)
            {
                throw MlflowError.InvalidParameter($"Invalid clause(s) in filter string: {string.Join(", ", part.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => $"'{t}'"))}");
            }
            var (kind, key) = Identifier(match.Groups["ident"].Value);
            var op = Regex.Replace(match.Groups["op"].Value.ToUpperInvariant(), @"\s+", " ");
            var numeric = kind == "attribute" && NumericAttributes.Contains(key);
            var allowed = numeric ? NumericComparators : StringComparators;
            if (!allowed.Contains(op))
            {
                throw MlflowError.InvalidParameter($"Invalid comparator '{op}' not one of '{{{string.Join(", ", allowed.Select(a => $"'{a}'"))}}}'");
            }
            result.Add(new TraceClause(kind, key, op, Value(match.Groups["value"].Value, numeric, op, part)));
        }
        return result;
    }

    public static IReadOnlyList<TraceOrder> ParseOrderBy(IEnumerable<string>? orderBy)
    {
        var terms = new List<TraceOrder>();
        foreach (var raw in orderBy ?? [])
        {
            var parts = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is < 1 or > 2 || (parts.Length == 2 && !parts[1].Equals("ASC", StringComparison.OrdinalIgnoreCase) && !parts[1].Equals("DESC", StringComparison.OrdinalIgnoreCase)))
            {
                throw MlflowError.InvalidParameter($"Invalid order_by clause '{raw}'.");
            }
            var (kind, key) = Identifier(parts[0]);
            if (kind != "attribute") throw MlflowError.InvalidParameter($"Invalid order_by entity '{parts[0]}'. Only trace attributes are supported.");
            terms.Add(new TraceOrder(key, parts.Length == 1 || parts[1].Equals("ASC", StringComparison.OrdinalIgnoreCase)));
        }
        return terms;
    }

    public static bool Matches(TraceClause clause, TraceRecord trace)
    {
        if (clause.Kind == "span")
        {
            return trace.Spans.Any(s => Compare(clause, clause.Key == "name" ? s.Name : s.Attribute(TraceAttributeKeys.SpanType)?.ToString()));
        }
        if (clause.Kind == "attribute" && clause.Key == "run_id")
        {
            var candidates = trace.LinkedRunIds.Append(trace.Metadata.Get(TraceAttributeKeys.SourceRunMetadata));
            return clause.Comparator is "!=" or "NOT IN" ? candidates.All(c => Compare(clause, c)) : candidates.Any(c => Compare(clause, c));
        }
        var value = clause.Kind switch
        {
            "tag" => (object?)trace.Tags.Get(clause.Key),
            "metadata" => trace.Metadata.Get(clause.Key),
            _ => AttributeValue(trace, clause.Key),
        };
        return Compare(clause, value);
    }

    public static IEnumerable<TraceRecord> Order(IEnumerable<TraceRecord> items, IReadOnlyList<TraceOrder> terms)
    {
        IOrderedEnumerable<TraceRecord>? ordered = null;
        foreach (var term in terms.Count == 0 ? [new TraceOrder("timestamp_ms", false)] : terms)
        {
            Func<TraceRecord, object?> key = t => AttributeValue(t, term.Key);
            var comparer = Comparer<object?>.Create(CompareValues);
            ordered = ordered is null
                ? term.Ascending ? items.OrderBy(key, comparer) : items.OrderByDescending(key, comparer)
                : term.Ascending ? ordered.ThenBy(key, comparer) : ordered.ThenByDescending(key, comparer);
        }
        return ordered!.ThenBy(t => t.TraceId, StringComparer.Ordinal);
    }

    private static int CompareValues(object? x, object? y) => (x, y) switch
    {
        (null, null) => 0,
        (null, _) => 1,
        (_, null) => -1,
        (double a, double b) => a.CompareTo(b),
        _ => string.CompareOrdinal(Convert.ToString(x, CultureInfo.InvariantCulture), Convert.ToString(y, CultureInfo.InvariantCulture)),
    };

    private static object? AttributeValue(TraceRecord trace, string key) => key switch
    {
        "trace_id" => trace.TraceId,
        "timestamp_ms" => (double)trace.RequestTimeMs,
        "execution_time_ms" => trace.ExecutionDurationMs is { } d ? (double)d : null,
        "status" => trace.State,
        "name" => trace.Tags.Get(TraceAttributeKeys.TraceNameTag),
        "client_request_id" => trace.ClientRequestId,
        "request_preview" => trace.RequestPreview,
        "response_preview" => trace.ResponsePreview,
        _ => null,
    };

    private static bool Compare(TraceClause clause, object? actual)
    {
        if (clause.Value is double expected)
        {
            if (actual is not double number) return false;
            return clause.Comparator switch
            {
                "=" => number == expected,
                "!=" => number != expected,
                "<" => number < expected,
                "<=" => number <= expected,
                ">" => number > expected,
                ">=" => number >= expected,
                _ => false,
            };
        }
        var text = actual as string;
        if (clause.Value is List<string> list)
        {
            var contained = text is not null && list.Contains(text, StringComparer.Ordinal);
            return clause.Comparator == "IN" ? contained : !contained;
        }
        var pattern = (string)clause.Value;
        if (text is null) return clause.Comparator == "!=";
        return clause.Comparator switch
        {
            "=" => text == pattern,
            "!=" => text != pattern,
            "LIKE" => Like(pattern, ignoreCase: false).IsMatch(text),
            "ILIKE" => Like(pattern, ignoreCase: true).IsMatch(text),
            "RLIKE" => Regex.IsMatch(text, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)),
            _ => false,
        };
    }

    private static Regex Like(string pattern, bool ignoreCase)
    {
        var regex = new StringBuilder("^");
        foreach (var c in pattern)
        {
            regex.Append(c switch { '%' => ".*", '_' => ".", _ => Regex.Escape(c.ToString()) });
        }
        return new Regex(regex.Append('$').ToString(), (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }

    private static (string Kind, string Key) Identifier(string identifier)
    {
        var dot = identifier.IndexOf('.', StringComparison.Ordinal);
        var prefix = dot < 0 ? "" : identifier[..dot].ToLowerInvariant();
        var rest = dot < 0 ? identifier : Unquote(identifier[(dot + 1)..]);
        switch (prefix)
        {
            case "":
            case "trace":
            case "attribute":
            case "attributes":
            case "attr":
                if (Attributes.TryGetValue(rest, out var name)) return ("attribute", name);
                throw MlflowError.InvalidParameter($"Invalid attribute key '{rest}' specified. Valid keys are '{string.Join(", ", Attributes.Keys.Order(StringComparer.Ordinal))}'");
            case "tag":
            case "tags":
                return ("tag", rest);
            case "metadata":
            case "request_metadata":
                return ("metadata", rest);
            case "span":
                if (rest is "name" or "type") return ("span", rest);
                throw MlflowError.InvalidParameter($"Invalid span key '{rest}' specified. Valid keys are 'name, type'");
            default:
                throw MlflowError.InvalidParameter($"Invalid entity type '{prefix}'. Valid values are ['trace', 'tag', 'metadata', 'span']");
        }
    }

    private static string Unquote(string key) =>
        key.Length >= 2 && ((key[0] == '`' && key[^1] == '`') || (key[0] == '"' && key[^1] == '"')) ? key[1..^1] : key;

    private static object Value(string text, bool numeric, string op, string clause)
    {
        if (op is "IN" or "NOT IN")
        {
            if (!text.StartsWith('(') || !text.EndsWith(')')) throw MlflowError.InvalidParameter($"While parsing a list in the query, expected a non-empty list of string values, but got {text}");
            return Regex.Matches(text[1..^1], """'((?:[^']|'')*)'|"((?:[^"]|"")*)" """.Trim())
                .Select(m => m.Groups[1].Success ? m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal) : m.Groups[2].Value)
                .ToList();
        }
        if (numeric)
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw MlflowError.InvalidParameter($"Expected numeric value type for numeric attribute. Found {text} in {clause}");
        }
        if (text.Length >= 2 && ((text[0] == '\'' && text[^1] == '\'') || (text[0] == '"' && text[^1] == '"'))) return text[1..^1];
        throw MlflowError.InvalidParameter($"Expected a quoted string value for attributes. Got value {text}");
    }

    /// <summary>Splits on <c>AND</c> outside quotes (case-insensitive); <c>OR</c> is not supported, as in MLflow.</summary>
    private static List<string> SplitAnd(string filter)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        char quote = '\0';
        for (var i = 0; i < filter.Length; i++)
        {
            var c = filter[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                current.Append(c);
                continue;
            }
            if (c is '\'' or '"' or '`')
            {
                quote = c;
                current.Append(c);
                continue;
            }
            if ((c is 'a' or 'A') && i + 3 <= filter.Length && string.Compare(filter, i, "AND", 0, 3, StringComparison.OrdinalIgnoreCase) == 0
                && (i == 0 || char.IsWhiteSpace(filter[i - 1])) && (i + 3 == filter.Length || char.IsWhiteSpace(filter[i + 3])))
            {
                parts.Add(current.ToString());
                current.Clear();
                i += 2;
                continue;
            }
            current.Append(c);
        }
        parts.Add(current.ToString());
        if (parts.Any(string.IsNullOrWhiteSpace)) throw MlflowError.InvalidParameter($"Invalid filter string '{filter}'.");
        return parts;
    }
}
