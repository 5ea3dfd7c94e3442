using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.Kiota.Abstractions;

namespace Mlflow.Client.Serialization;

/// <summary>Parses a string into a value; used to turn raw query pairs into typed query parameters.</summary>
internal delegate bool TextParser<T>(string text, out T value);

/// <summary>Helpers of the generated operation catalog: typed values from raw path and query strings.</summary>
internal static class QueryValues
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The path parameters of a builder: <c>baseurl</c> plus each value under its template variable.</summary>
    public static Dictionary<string, object> Path(
        IRequestAdapter adapter,
        IReadOnlyDictionary<string, string> values,
        params string[] specAndTemplateNames)
    {
        var result = new Dictionary<string, object> { { "baseurl", adapter.BaseUrl ?? string.Empty } };
        for (var i = 0; i + 1 < specAndTemplateNames.Length; i += 2)
        {
            if (!values.TryGetValue(specAndTemplateNames[i], out var value))
            {
                throw new ArgumentException("missing path parameter '" + specAndTemplateNames[i] + "'", nameof(values));
            }

            result[specAndTemplateNames[i + 1]] = value;
        }

        return result;
    }

    /// <summary>The last value of a query key, parsed; default when absent.</summary>
    public static T? One<T>(IEnumerable<KeyValuePair<string, string>> query, string name, TextParser<T> parse)
        where T : struct
    {
        T? result = null;
        foreach (var pair in query)
        {
            if (pair.Key == name)
            {
                result = parse(pair.Value, out var value) ? value : throw new FormatException("query parameter '" + name + "': cannot read '" + pair.Value + "'");
            }
        }

        return result;
    }

    /// <summary>The last value of a string query key, or null.</summary>
    public static string? Text(IEnumerable<KeyValuePair<string, string>> query, string name)
    {
        string? result = null;
        foreach (var pair in query)
        {
            if (pair.Key == name)
            {
                result = pair.Value;
            }
        }

        return result;
    }

    /// <summary>All values of a repeated query key, parsed; null when absent.</summary>
    public static T[]? Many<T>(IEnumerable<KeyValuePair<string, string>> query, string name, TextParser<T> parse)
    {
        List<T>? result = null;
        foreach (var pair in query)
        {
            if (pair.Key == name)
            {
                (result ??= new List<T>()).Add(parse(pair.Value, out var value) ? value : throw new FormatException("query parameter '" + name + "': cannot read '" + pair.Value + "'"));
            }
        }

        return result?.ToArray();
    }

    public static bool String(string text, out string value)
    {
        value = text;
        return true;
    }

    public static bool Int32(string text, out int value) => int.TryParse(text, NumberStyles.Integer, Invariant, out value);

    public static bool Int64(string text, out long value) => long.TryParse(text, NumberStyles.Integer, Invariant, out value);

    public static bool Double(string text, out double value) => WireRead.TryParseDouble(text, out value);

    public static bool Boolean(string text, out bool value)
    {
        value = text == "true";
        return text == "true" || text == "false";
    }

    public static bool DateTime(string text, out DateTimeOffset value) => WireRead.TryParseDateTime(text, out value);
}
