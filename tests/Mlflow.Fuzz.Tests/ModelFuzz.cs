using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;
using Mlflow.Client.Serialization;

namespace Mlflow.Fuzz.Tests;

/// <summary>One fuzz input: a generated model and the bytes of an answer for it.</summary>
/// <param name="Model">The model.</param>
/// <param name="Body">The answer's bytes.</param>
public sealed record FuzzCase(ModelInfo Model, byte[] Body)
{
    /// <inheritdoc />
    public override string ToString() => $"{Model.Type.Name}: {Preview(Body)}";

    private static string Preview(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length > 400 ? text[..400] + $"... ({body.Length} bytes)" : text;
    }
}

/// <summary>A generated model: its type, its factory and its wire field names.</summary>
/// <param name="Type">The model type.</param>
/// <param name="Factory">Its <c>CreateFromDiscriminatorValue</c>.</param>
/// <param name="Fields">Wire names its field deserializers take.</param>
public sealed record ModelInfo(Type Type, ParsableFactory<IParsable> Factory, string[] Fields)
{
    /// <inheritdoc />
    public override string ToString() => Type.Name;
}

/// <summary>
/// Random answers for the generated models: JSON trees built from each model's own field names (so values reach
/// the typed readers) mixed with unknown names, with wrong types, huge and tiny numbers, numeric strings, NaN and
/// Infinity as strings and as bare tokens, deep nesting, long strings, escaped lone surrogates, duplicate keys,
/// then sometimes broken at the byte level (invalid UTF-8, truncation).
/// </summary>
public static class ModelFuzz
{
    /// <summary>Every generated model of Mlflow.Client (the IParsable types with a discriminator factory).</summary>
    public static readonly ModelInfo[] Models = Discover();

    private static readonly string[] AllFields = [.. Models.SelectMany(m => m.Fields).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static readonly string[] Specials =
    [
        "0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "123456789012345678901234567890", "1e308", "1.7976931348623157e308", "1e309", "-1e309", "1e-324", "5e-324",
        "4.9e-324", "0.1", "1.0", "1E2", "-0.0", "3.4028235e38", "79228162514264337593543950336", "0.0000000000000000000000000001",
        "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"nan\"", "\"12\"", "\"-12\"", "\"1.5\"", "\"9223372036854775808\"", "\"1e3\"", "\"\"",
        "true", "false", "null", "[]", "{}", "[null]", "{\"\":null}", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"", "\"RUNNING\"", "\"FINISHED\"",
        "\"A_VALUE_FROM_A_NEWER_MLFLOW\"", "\"READY\"", "\"ACTIVE\"", "\"MODEL_VERSION\"",
    ];

    private static readonly Gen<string> Scalar = Gen.Frequency(
        (4, Gen.String[0, 24].Select(s => Quote(Paired(s)))),
        (3, Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : Quote(d.ToString(CultureInfo.InvariantCulture)))),
        (4, Gen.OneOf(Specials)),
        (1, Gen.Bool.Select(b => b ? "true" : "false")),
        (1, Gen.Int[2_000, 20_000].Select(n => "\"" + new string('x', n) + "\"")));

    private static readonly Dictionary<string[], Gen<string>[]> DocumentGens = new(ReferenceEqualityComparer.Instance);

    /// <summary>The generator of fuzz cases.</summary>
    public static readonly Gen<FuzzCase> Cases =
        Gen.OneOf(Models).SelectMany(model => Document(model.Fields).SelectMany(text => Damage(Encoding.UTF8.GetBytes(text)).Select(bytes => new FuzzCase(model, bytes))));

    /// <summary>Checks one case: it parses, or fails with <see cref="MlflowProtocolException"/>; what parses writes back without loss.</summary>
    /// <param name="fuzz">The case.</param>
    /// <returns>"parsed", "protocol" (rejected as not JSON), or a description of the failure.</returns>
    public static string Check(FuzzCase fuzz)
    {
        IParsable model;
        try
        {
            model = Parse(fuzz.Model, fuzz.Body);
        }
        catch (MlflowProtocolException)
        {
            return "protocol";
        }

        var plain = JsonLoss.InputWithoutDuplicates(fuzz.Body);
        var duplicates = plain is null;
        plain?.Dispose();
        byte[] written;
        try
        {
            written = Write(model);
        }
        catch (Exception ex) when (duplicates && ex is InvalidOperationException or JsonException)
        {
            // Known (kept as a skipped regression case): a member given twice, once fitting its type and once not,
            // is kept twice (field and AdditionalData) and Kiota's writer can fail writing it back.
            return "duplicate-keys-unwritable";
        }
        catch (Exception ex) when (fuzz.Body.AsSpan().IndexOf("\"\":"u8) >= 0 && ex is InvalidOperationException or JsonException)
        {
            // Known (kept as a skipped regression case): a member named "" is kept in AdditionalData, and Kiota's
            // writer treats an empty key as "no name" and fails writing it back.
            return "empty-name-unwritable";
        }
        using var writtenDoc = JsonDocument.Parse(written, new JsonDocumentOptions { MaxDepth = 1024 });

        // Stable: what was written reads back to the same thing (an input with duplicate members may be written
        // with the member twice, in another order).
        var again = Write(Parse(fuzz.Model, written));
        if (!duplicates)
        {
            using var againDoc = JsonDocument.Parse(again, new JsonDocumentOptions { MaxDepth = 1024 });
            if (JsonLoss.Difference(writtenDoc.RootElement, againDoc.RootElement) is { } drift)
            {
                throw new InvalidOperationException($"not stable: {drift}: {Clip(Encoding.UTF8.GetString(written))} then {Clip(Encoding.UTF8.GetString(again))}");
            }
        }

        // Lossless: every member of the input is in the output, with an equal value (see JsonLoss for the rules).
        if (JsonLoss.InputWithoutDuplicates(fuzz.Body) is { } input && input.RootElement.ValueKind != JsonValueKind.Null)
        {
            using (input)
            {
                if (JsonLoss.Difference(input.RootElement, writtenDoc.RootElement) is { } loss)
                {
                    // Known (kept as a skipped regression case): a number beyond double range where a message is
                    // declared reads as an empty message.
                    if (loss.StartsWith(JsonLoss.BeyondDouble, StringComparison.Ordinal)) return "beyond-double-range";

                    // Known (kept as a skipped regression case): a list item that is not an object where messages are
                    // declared ([null], ["x"]) reads as an empty message.
                    if (loss.StartsWith(JsonLoss.ItemAsEmptyMessage, StringComparison.Ordinal)) return "list-item-not-a-message";


                    throw new InvalidOperationException($"lost on write-back: {loss}; wrote {Clip(Encoding.UTF8.GetString(written))}");
                }
            }
        }

        return "parsed";
    }

    /// <summary>Parses <paramref name="body"/> as the client does (its JSON parse node factory, then the model's factory).</summary>
    /// <param name="model">The model.</param>
    /// <param name="body">The bytes.</param>
    /// <returns>The model.</returns>
    public static IParsable Parse(ModelInfo model, byte[] body)
    {
        using var stream = new MemoryStream(body, writable: false);
        var root = new MlflowJsonParseNodeFactory().GetRootParseNodeAsync("application/json", stream).GetAwaiter().GetResult();
        return root.GetObjectValue(model.Factory);
    }

    /// <summary>Writes <paramref name="model"/> as the client does (Kiota's JSON writer).</summary>
    /// <param name="model">The model.</param>
    /// <returns>The JSON bytes.</returns>
    public static byte[] Write(IParsable model)
    {
        using var writer = new JsonSerializationWriter();
        writer.WriteObjectValue(null, model);
        using var content = writer.GetSerializedContent();
        using var copy = new MemoryStream();
        content.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Clip(string s) => s.Length > 300 ? s[..300] + "..." : s;

    private static Gen<string> Document(string[] fields)
    {
        lock (DocumentGens)
        {
            if (!DocumentGens.TryGetValue(fields, out var byDepth))
            {
                byDepth = new Gen<string>[5];
                var keys = fields.Length == 0
                    ? Gen.Frequency((3, Gen.OneOf(AllFields)), (1, Gen.String[0, 10]))
                    : Gen.Frequency((8, Gen.OneOf(fields)), (2, Gen.OneOf(AllFields)), (1, Gen.String[0, 10]));
                for (var depth = 4; depth >= 0; depth--)
                {
                    var value = depth == 4
                        ? Scalar
                        : Gen.Frequency((6, Scalar), (2, byDepth[depth + 1]), (2, Array(byDepth[depth + 1], Scalar)));
                    byDepth[depth] = Gen.Select(keys, value).Array[0, 10].Select(members =>
                        "{" + string.Join(",", members.Select(m => Quote(m.Item1) + ":" + m.Item2)) + "}");
                }

                DocumentGens[fields] = byDepth;
            }

            return Gen.Frequency((12, byDepth[0]), (1, Deep()), (1, Gen.OneOf("[]", "null", "1", "\"x\"", "[{}]", "")));
        }
    }

    private static Gen<string> Array(Gen<string> objects, Gen<string> scalars) =>
        Gen.Frequency((2, objects), (1, scalars)).Array[0, 6].Select(items => "[" + string.Join(",", items) + "]");

    // Nesting beyond the reader's MaxDepth (512) and just under it.
    private static Gen<string> Deep() => Gen.Int[100, 1200].Select(n =>
        "{\"" + "x\":" + new string('[', n) + new string(']', n) + ",\"run\":" + string.Concat(Enumerable.Repeat("{\"info\":", Math.Min(n, 400))) + "{}" + new string('}', Math.Min(n, 400)) + "}");

    private static Gen<byte[]> Damage(byte[] bytes) => Gen.Frequency(
        (20, Gen.Const(bytes)),
        (1, Gen.Int[0, Math.Max(0, bytes.Length - 1)].Select(at => bytes[..at])),
        (1, Gen.Select(Gen.Int[0, bytes.Length], Gen.OneOf<byte[]>([0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x00])).Select(p => (byte[])[.. bytes[..p.Item1], .. p.Item2, .. bytes[p.Item1..]])),
        (1, Gen.Const((byte[])[0xEF, 0xBB, 0xBF, .. bytes])));

    // Random strings keep their surrogate pairs and lose unpaired surrogates (those come from Specials, as escapes).
    private static string Paired(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) i++;
            else if (char.IsSurrogate(chars[i])) chars[i] = 'x';
        }

        return new string(chars);
    }

    /// <summary>A JSON string literal: ASCII printable kept, everything else escaped (lone surrogates included).</summary>
    private static string Quote(string s)
    {
        var b = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            if (c is '"' or '\\') b.Append('\\').Append(c);
            else if (c >= 0x20 && c < 0x7F) b.Append(c);
            else b.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
        }

        return b.Append('"').ToString();
    }

    private static ModelInfo[] Discover()
    {
        var models = new List<ModelInfo>();
        foreach (var type in typeof(MlflowClient).Assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (type.IsAbstract || !typeof(IParsable).IsAssignableFrom(type) || type.Namespace != "Mlflow.Client.Models") continue;
            var create = type.GetMethod("CreateFromDiscriminatorValue", BindingFlags.Public | BindingFlags.Static, [typeof(IParseNode)]);
            if (create is null) continue;
            var func = (Func<IParseNode, IParsable>)Delegate.CreateDelegate(typeof(Func<IParseNode, IParsable>), create);
            var instance = (IParsable)Activator.CreateInstance(type)!;
            models.Add(new ModelInfo(type, n => func(n), [.. instance.GetFieldDeserializers().Keys.Order(StringComparer.Ordinal)]));
        }

        return [.. models];
    }
}
