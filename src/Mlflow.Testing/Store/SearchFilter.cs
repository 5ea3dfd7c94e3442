using System.Text.RegularExpressions;
using Mlflow.Testing.Server;

namespace Mlflow.Testing.Store;

/// <summary>Which family an identifier in a filter or order_by clause belongs to.</summary>
internal enum KeyKind
{
    Attribute,
    Metric,
    Param,
    Tag,
    Dataset,
}

/// <summary>One comparison of a filter: <c>metrics.acc &gt; 0.5</c>, <c>tags.`a b` LIKE 'x%'</c>, <c>run_id IN ('a','b')</c>.</summary>
internal sealed record FilterClause(KeyKind Kind, string Key, string Comparator, object Value);

/// <summary>One ordering term: <c>metrics.acc DESC</c>.</summary>
internal sealed record OrderTerm(KeyKind Kind, string Key, bool Ascending);

/// <summary>
/// MLflow's search filter grammar (a conjunction of comparisons) and order_by clauses, after
/// <c>mlflow/utils/search_utils.py</c>: identifiers <c>metrics.</c>/<c>params.</c>/<c>tags.</c>/<c>attributes.</c> (with the
/// aliases <c>metric</c>, <c>param</c>, <c>tag</c>, <c>attribute</c>, <c>attr</c>, <c>run</c>) or a bare attribute name, keys
/// optionally quoted with backticks or double quotes; numeric comparators <c>= != &lt; &lt;= &gt; &gt;=</c> for metrics and
/// numeric attributes; <c>= != LIKE ILIKE</c> (and <c>IN</c> / <c>NOT IN</c> where MLflow allows it) for strings;
/// clauses joined with <c>AND</c> (case-insensitive). <c>OR</c> and parentheses are rejected as MLflow does.
/// </summary>
internal static class SearchFilter
{
    private static readonly string[] NumericComparators = ["=", "!=", "<", "<=", ">", ">="];
    private static readonly string[] StringComparators = ["=", "!=", "LIKE", "ILIKE"];

    /// <summary>What one kind of entity accepts.</summary>
    /// <param name="NumericAttributes">Attributes compared as numbers.</param>
    /// <param name="StringAttributes">Attributes compared as strings.</param>
    /// <param name="AllowMetrics">Whether <c>metrics.</c> is allowed.</param>
    /// <param name="AllowParams">Whether <c>params.</c> is allowed.</param>
    /// <param name="InAttributes">String attributes that also accept <c>IN</c> / <c>NOT IN</c>.</param>
    /// <param name="RegistryWording">Whether a bad attribute comparator is reported with the registry's wording.</param>
    /// <param name="AllowDatasets">Whether <c>datasets.</c> (name, digest, context of a run's inputs) is allowed.</param>
    /// <param name="LoggedModelWording">Whether a bad comparator is reported with the logged-model search's wording.</param>
    internal sealed record Dialect(
        IReadOnlySet<string> NumericAttributes,
        IReadOnlySet<string> StringAttributes,
        bool AllowMetrics,
        bool AllowParams,
        IReadOnlySet<string> InAttributes,
        bool RegistryWording,
        bool AllowDatasets = false,
        bool LoggedModelWording = false);

    public static readonly Dialect Runs = new(
        new HashSet<string>(StringComparer.Ordinal) { "start_time", "end_time", "created", "Created" },
        new HashSet<string>(StringComparer.Ordinal) { "run_id", "run_name", "status", "user_id", "artifact_uri", "lifecycle_stage", "experiment_id" },
        AllowMetrics: true,
        AllowParams: true,
        new HashSet<string>(StringComparer.Ordinal) { "run_id" },
        RegistryWording: false,
        AllowDatasets: true);

    public static readonly Dialect Experiments = new(
        new HashSet<string>(StringComparer.Ordinal) { "creation_time", "last_update_time" },
        new HashSet<string>(StringComparer.Ordinal) { "name", "experiment_id" },
        AllowMetrics: false,
        AllowParams: false,
        new HashSet<string>(StringComparer.Ordinal),
        RegistryWording: false);

    public static readonly Dialect RegisteredModels = new(
        new HashSet<string>(StringComparer.Ordinal) { "creation_timestamp", "last_updated_timestamp" },
        new HashSet<string>(StringComparer.Ordinal) { "name" },
        AllowMetrics: false,
        AllowParams: false,
        new HashSet<string>(StringComparer.Ordinal),
        RegistryWording: true);

    public static readonly Dialect ModelVersions = new(
        new HashSet<string>(StringComparer.Ordinal) { "creation_timestamp", "last_updated_timestamp", "version_number" },
        new HashSet<string>(StringComparer.Ordinal) { "name", "run_id", "source_path", "version", "current_stage", "status" },
        AllowMetrics: false,
        AllowParams: false,
        new HashSet<string>(StringComparer.Ordinal) { "run_id", "name" },
        RegistryWording: true);

    private static readonly HashSet<string> LoggedModelStrings = new(StringComparer.Ordinal) { "name", "model_id", "model_type", "status", "source_run_id", "run_id", "experiment_id" };

    public static readonly Dialect LoggedModels = new(
        new HashSet<string>(StringComparer.Ordinal) { "creation_time", "creation_timestamp", "creation_timestamp_ms", "last_updated_time", "last_updated_timestamp", "last_updated_timestamp_ms" },
        LoggedModelStrings,
        AllowMetrics: true,
        AllowParams: true,
        LoggedModelStrings,
        RegistryWording: false,
        LoggedModelWording: true);

    public static readonly Dialect EvaluationDatasets = new(
        new HashSet<string>(StringComparer.Ordinal) { "created_time", "last_update_time" },
        new HashSet<string>(StringComparer.Ordinal) { "name", "dataset_id", "digest", "created_by", "last_updated_by" },
        AllowMetrics: false,
        AllowParams: false,
        new HashSet<string>(StringComparer.Ordinal),
        RegistryWording: false);

    /// <summary>Orders the values a lookup gives (strings ordinal, numbers numerically).</summary>
    public static readonly IComparer<object?> Values = new ValueComparer(true);

    /// <summary>Parses a filter; null or blank means "everything".</summary>
    public static IReadOnlyList<FilterClause> Parse(string? filter, Dialect dialect)
    {
        if (string.IsNullOrWhiteSpace(filter)) return [];
        var tokens = Tokenize(filter);
        var clauses = new List<FilterClause>();
        var i = 0;
        while (true)
        {
            clauses.Add(ParseClause(tokens, ref i, dialect, filter));
            if (i >= tokens.Count) break;
            if (tokens[i].Kind == TokenKind.Word && tokens[i].Text.Equals("AND", StringComparison.OrdinalIgnoreCase))
            {
                i++;
                if (i >= tokens.Count) throw MlflowError.InvalidParameter($"Invalid filter '{filter}'. Expected a clause after AND");
                continue;
            }
            throw MlflowError.InvalidParameter($"Invalid clause(s) in filter string: '{filter}'. Only 'AND' may join clauses.");
        }
        return clauses;
    }

    /// <summary>Parses order_by clauses (<c>key [ASC|DESC]</c>).</summary>
    public static IReadOnlyList<OrderTerm> ParseOrderBy(IEnumerable<string>? orderBy, Dialect dialect)
    {
        var terms = new List<OrderTerm>();
        foreach (var clause in orderBy ?? [])
        {
            if (string.IsNullOrWhiteSpace(clause)) continue;
            var tokens = Tokenize(clause);
            var i = 0;
            var (kind, key) = ParseIdentifier(tokens, ref i, dialect, clause);
            var ascending = true;
            if (i < tokens.Count && tokens[i].Kind == TokenKind.Word)
            {
                var dir = tokens[i].Text.ToUpperInvariant();
                if (dir is not ("ASC" or "DESC")) throw MlflowError.InvalidParameter($"Invalid order_by clause '{clause}'. Could not be parsed.");
                ascending = dir == "ASC";
                i++;
            }
            if (i != tokens.Count) throw MlflowError.InvalidParameter($"Invalid order_by clause '{clause}'. Could not be parsed.");
            if (kind == KeyKind.Attribute && !dialect.NumericAttributes.Contains(key) && !dialect.StringAttributes.Contains(key))
                throw MlflowError.InvalidParameter($"Invalid order_by entity '{key}' in clause '{clause}'.");
            terms.Add(new OrderTerm(kind, key, ascending));
        }
        return terms;
    }

    /// <summary>Evaluates the conjunction against an entity; <paramref name="lookup"/> gives a key's value (string, double or long) or null when absent.</summary>
    public static bool Matches(IReadOnlyList<FilterClause> clauses, Func<KeyKind, string, object?> lookup)
    {
        foreach (var clause in clauses)
        {
            var actual = lookup(clause.Kind, clause.Key);
            if (!Compare(clause, actual)) return false;
        }
        return true;
    }

    /// <summary>Orders entities by the terms; entities without a value sort last in both directions (as MLflow's SQL store does).</summary>
    public static IEnumerable<T> Order<T>(IEnumerable<T> items, IReadOnlyList<OrderTerm> terms, Func<T, KeyKind, string, object?> lookup, Func<IEnumerable<T>, IOrderedEnumerable<T>> fallback)
    {
        if (terms.Count == 0) return fallback(items);
        IOrderedEnumerable<T>? ordered = null;
        foreach (var term in terms)
        {
            Func<T, bool> missing = x => lookup(x, term.Kind, term.Key) is null;
            var comparer = new ValueComparer(term.Ascending);
            Func<T, object?> value = x => lookup(x, term.Kind, term.Key);
            ordered = ordered is null ? items.OrderBy(missing) : ordered.ThenBy(missing);
            ordered = ordered.ThenBy(value, comparer);
        }
        return ordered!;
    }

    private sealed class ValueComparer(bool ascending) : IComparer<object?>
    {
        public int Compare(object? x, object? y)
        {
            if (x is null || y is null) return 0;
            int c = x switch
            {
                double dx when y is double dy => dx.CompareTo(dy),
                long lx when y is long ly => lx.CompareTo(ly),
                _ => string.CompareOrdinal(Convert.ToString(x, CultureInfo.InvariantCulture), Convert.ToString(y, CultureInfo.InvariantCulture)),
            };
            return ascending ? c : -c;
        }
    }

    private const string NotEqualOrMissing = "!=*";

    private static bool Compare(FilterClause clause, object? actual)
    {
        if (clause.Comparator == NotEqualOrMissing) return actual is null || !Equals(actual, clause.Value);
        if (actual is null) return false;
        // A multi-valued field (the datasets of a run) matches when one of its values does.
        if (actual is IEnumerable<string> values) return values.Any(v => Compare(clause, v));
        if (actual is Mlflow.Testing.Server.MetricValues numbers) return numbers.Values.Any(v => Compare(clause, v));
        switch (clause.Comparator)
        {
            case "IN": return ((IReadOnlyList<string>)clause.Value).Contains(Convert.ToString(actual, CultureInfo.InvariantCulture));
            case "NOT IN": return !((IReadOnlyList<string>)clause.Value).Contains(Convert.ToString(actual, CultureInfo.InvariantCulture));
            case "LIKE": return Like((string)clause.Value, Convert.ToString(actual, CultureInfo.InvariantCulture)!, ignoreCase: false);
            case "ILIKE": return Like((string)clause.Value, Convert.ToString(actual, CultureInfo.InvariantCulture)!, ignoreCase: true);
        }
        int c;
        if (clause.Value is double expected)
        {
            var number = actual switch { double d => d, long l => l, string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => p, _ => double.NaN };
            if (double.IsNaN(number) || double.IsNaN(expected)) return clause.Comparator == "!=";
            c = number.CompareTo(expected);
        }
        else
        {
            c = string.CompareOrdinal(Convert.ToString(actual, CultureInfo.InvariantCulture), (string)clause.Value);
        }
        return clause.Comparator switch
        {
            "=" => c == 0,
            "!=" => c != 0,
            "<" => c < 0,
            "<=" => c <= 0,
            ">" => c > 0,
            ">=" => c >= 0,
            _ => false,
        };
    }

    private static bool Like(string pattern, string value, bool ignoreCase)
    {
        var regex = new StringBuilder("^");
        foreach (var ch in pattern)
        {
            regex.Append(ch switch { '%' => ".*", '_' => ".", _ => Regex.Escape(ch.ToString()) });
        }
        regex.Append('$');
        return Regex.IsMatch(value, regex.ToString(), (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }

    private static FilterClause ParseClause(List<Token> tokens, ref int i, Dialect dialect, string filter)
    {
        var (kind, key) = ParseIdentifier(tokens, ref i, dialect, filter);
        if (i >= tokens.Count) throw MlflowError.InvalidParameter($"Invalid filter '{filter}'. Missing comparator.");
        var comparatorToken = tokens[i++];
        var comparator = comparatorToken.Text.ToUpperInvariant();
        if (comparator == "NOT" && i < tokens.Count && tokens[i].Text.Equals("IN", StringComparison.OrdinalIgnoreCase))
        {
            comparator = "NOT IN";
            i++;
        }
        var numeric = kind == KeyKind.Metric || (kind == KeyKind.Attribute && dialect.NumericAttributes.Contains(key));
        if (comparator is "IN" or "NOT IN")
        {
            if (kind != KeyKind.Attribute || !dialect.InAttributes.Contains(key))
                throw MlflowError.InvalidParameter($"Invalid comparator '{comparatorToken.Text}' for '{key}'.");
            return new FilterClause(kind, key, comparator, ParseList(tokens, ref i, filter));
        }
        var allowed = numeric ? NumericComparators : StringComparators;
        if (!allowed.Contains(comparator))
        {
            if (dialect.LoggedModelWording)
            {
                var expected = numeric ? "('=', '!=', '>', '>=', '<', '<=')" : "('=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN')";
                var prefix = kind switch { KeyKind.Metric => "metrics", KeyKind.Param => "params", KeyKind.Tag => "tags", _ => "attributes" };
                throw MlflowError.InvalidParameter($"Invalid comparison operator for {prefix}.{key}: '{comparatorToken.Text}'. Expected one of {expected}.");
            }
            if (kind == KeyKind.Attribute && dialect.RegistryWording)
                throw MlflowError.InvalidParameter($"Invalid comparator for attribute: {comparatorToken.Text}");
            var set = numeric ? "'<=', '<', '>', '=', '!=', '>='" : "'=', '!=', 'LIKE', 'ILIKE'";
            throw MlflowError.InvalidParameter($"Invalid comparator '{comparatorToken.Text}' not one of '{{{set}}}");
        }
        if (i >= tokens.Count) throw MlflowError.InvalidParameter($"Invalid filter '{filter}'. Missing value.");
        var valueToken = tokens[i++];
        if (numeric)
        {
            var text = valueToken.Kind == TokenKind.String ? valueToken.Text : valueToken.Text;
            if (valueToken.Kind is not (TokenKind.Number or TokenKind.String) ||
                !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                throw MlflowError.InvalidParameter($"Expected numeric value type for metric or numeric attribute. Found {valueToken.Text}");
            return new FilterClause(kind, key, comparator, number);
        }
        if (valueToken.Kind != TokenKind.String)
            throw MlflowError.InvalidParameter($"Expected a quoted string value for {KindName(kind)} '{key}'. Found {valueToken.Text}");
        // The registry's "tags.x != 'v'" also matches entities without the tag (that is how prompts are excluded).
        if (dialect.RegistryWording && kind == KeyKind.Tag && comparator == "!=") comparator = NotEqualOrMissing;
        return new FilterClause(kind, key, comparator, valueToken.Text);
    }

    private static List<string> ParseList(List<Token> tokens, ref int i, string filter)
    {
        if (i >= tokens.Count || tokens[i].Kind != TokenKind.Open) throw MlflowError.InvalidParameter($"Invalid filter '{filter}'. Expected a list in parentheses.");
        i++;
        var values = new List<string>();
        while (i < tokens.Count && tokens[i].Kind != TokenKind.Close)
        {
            if (tokens[i].Kind == TokenKind.Comma) { i++; continue; }
            if (tokens[i].Kind != TokenKind.String) throw MlflowError.InvalidParameter($"Invalid filter '{filter}'. List values must be quoted strings.");
            values.Add(tokens[i++].Text);
        }
        if (i >= tokens.Count) throw MlflowError.InvalidParameter($"Invalid filter '{filter}'. Unclosed list.");
        i++;
        return values;
    }

    private static (KeyKind Kind, string Key) ParseIdentifier(List<Token> tokens, ref int i, Dialect dialect, string text)
    {
        if (i >= tokens.Count || tokens[i].Kind != TokenKind.Word)
            throw MlflowError.InvalidParameter($"Invalid filter '{text}'. Expected an identifier.");
        var word = tokens[i++].Text;
        string prefix;
        string key;
        var dot = word.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            prefix = word[..dot];
            key = word[(dot + 1)..];
            if (key.Length == 0 && i < tokens.Count && tokens[i].Kind == TokenKind.QuotedKey) key = tokens[i++].Text;
        }
        else
        {
            prefix = "attributes";
            key = word;
        }
        var kind = prefix.ToLowerInvariant() switch
        {
            "metric" or "metrics" => KeyKind.Metric,
            "param" or "params" or "parameter" or "parameters" => KeyKind.Param,
            "tag" or "tags" => KeyKind.Tag,
            "attribute" or "attributes" or "attr" or "run" => KeyKind.Attribute,
            "dataset" or "datasets" when dialect.AllowDatasets => KeyKind.Dataset,
            _ => throw MlflowError.InvalidParameter($"Invalid entity type '{prefix}'. Valid values are ['metric', 'parameter', 'tag', 'attribute']"),
        };
        if (kind == KeyKind.Metric && !dialect.AllowMetrics || kind == KeyKind.Param && !dialect.AllowParams)
            throw MlflowError.InvalidParameter($"Invalid entity type '{prefix}'. Valid values are ['tag', 'attribute']");
        if (kind == KeyKind.Attribute && !dialect.NumericAttributes.Contains(key) && !dialect.StringAttributes.Contains(key))
            throw MlflowError.InvalidParameter($"Invalid attribute key '{key}' specified. Valid keys are '{string.Join("', '", dialect.StringAttributes.Concat(dialect.NumericAttributes))}'");
        if (key.Length == 0) throw MlflowError.InvalidParameter($"Invalid filter '{text}'. Empty key.");
        return (kind, key);
    }

    private static string KindName(KeyKind kind) => kind switch
    {
        KeyKind.Param => "parameter",
        KeyKind.Tag => "tag",
        KeyKind.Metric => "metric",
        _ => "attribute",
    };

    private enum TokenKind
    {
        Word,
        QuotedKey,
        String,
        Number,
        Operator,
        Open,
        Close,
        Comma,
    }

    private readonly record struct Token(TokenKind Kind, string Text);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var ch = text[i];
            if (char.IsWhiteSpace(ch)) { i++; continue; }
            if (ch == '(') { tokens.Add(new(TokenKind.Open, "(")); i++; continue; }
            if (ch == ')') { tokens.Add(new(TokenKind.Close, ")")); i++; continue; }
            if (ch == ',') { tokens.Add(new(TokenKind.Comma, ",")); i++; continue; }
            if (ch is '\'' or '"' or '`')
            {
                var end = text.IndexOf(ch, i + 1);
                if (end < 0) throw MlflowError.InvalidParameter($"Invalid filter '{text}'. Unterminated quote.");
                var inner = text[(i + 1)..end];
                // A quoted key right after "prefix." belongs to the identifier (tags.`a b`, params."x").
                if ((ch == '`' || ch == '"') && tokens.Count > 0 && tokens[^1].Kind == TokenKind.Word && tokens[^1].Text.EndsWith('.'))
                    tokens.Add(new(TokenKind.QuotedKey, inner));
                else if (ch == '`')
                    tokens.Add(new(TokenKind.Word, inner));
                else
                    tokens.Add(new(TokenKind.String, inner));
                i = end + 1;
                continue;
            }
            if (ch is '<' or '>' or '=' or '!')
            {
                var start = i;
                while (i < text.Length && text[i] is '<' or '>' or '=' or '!') i++;
                tokens.Add(new(TokenKind.Operator, text[start..i]));
                continue;
            }
            if (char.IsDigit(ch) || (ch is '-' or '+' or '.' && i + 1 < text.Length && (char.IsDigit(text[i + 1]) || text[i + 1] == '.')))
            {
                var start = i;
                i++;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '.' or '-' or '+') && !(text[i] is '-' or '+' && text[i - 1] is not ('e' or 'E'))) i++;
                tokens.Add(new(TokenKind.Number, text[start..i]));
                continue;
            }
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('<' or '>' or '=' or '!' or '(' or ')' or ',' or '\'' or '"' or '`')) i++;
                if (i == start) throw MlflowError.InvalidParameter($"Invalid filter '{text}'.");
                tokens.Add(new(TokenKind.Word, text[start..i]));
            }
        }
        // "prefix." followed by a quoted key: merge into one identifier token.
        var merged = new List<Token>();
        for (var k = 0; k < tokens.Count; k++)
        {
            if (tokens[k].Kind == TokenKind.Word && tokens[k].Text.EndsWith('.') && k + 1 < tokens.Count && tokens[k + 1].Kind == TokenKind.QuotedKey)
            {
                merged.Add(new(TokenKind.Word, tokens[k].Text + tokens[k + 1].Text));
                k++;
                continue;
            }
            merged.Add(tokens[k]);
        }
        return merged;
    }
}
