using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Json;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>Writes a static <c>Example()</c> for each model whose schema carries an <c>example</c>, returning exactly the example's values.</summary>
    internal static class ExampleEmitter
    {
        public static string HintName(ExamplePlan p) => GeneratedNamespaces.Models + "." + p.Model.ClassName + ".Example.g.cs";

        public static string Emit(ExamplePlan input)
        {
            var context = new Context(input);
            var value = JsonReader.Parse(input.ExampleJson);
            var self = TypeCode.Schema(input.Model.ClassName);
            var expression = context.Model(input.Model, value);
            var w = new CodeWriter().Header();
            w.Open("namespace " + GeneratedNamespaces.Models);
            w.Open("public partial class " + input.Model.ClassName);
            w.Line("/// <summary>A new instance holding the spec's example of " + Identifiers.Xml(input.SchemaName) + " (a fresh object on every call).</summary>");
            w.Line("/// <returns>The example.</returns>");
            w.Line("public static " + self + " Example() => " + expression + ";");
            w.Close();
            w.Close();
            return w.ToString();
        }

        private sealed class Context
        {
            private readonly Dictionary<string, ModelPlan> _models;
            private readonly Dictionary<string, EnumPlan> _enums;
            public Context(ExamplePlan input)
            {
                _models = input.Related.ToDictionary(m => m.ClassName, StringComparer.Ordinal);
                _enums = input.Enums.ToDictionary(e => e.Name, StringComparer.Ordinal);
            }

            public string Model(ModelPlan model, JsonNode node)
            {
                if (!(node is JsonObject obj))
                {
                    return "null!";
                }

                var parts = new List<string>();
                var extra = new List<string>();
                foreach (var entry in obj.Properties)
                {
                    var property = model.Properties.FirstOrDefault(p => p.WireName == entry.Key);
                    if (property == null)
                    {
                        extra.Add("{ " + Identifiers.Literal(entry.Key) + ", " + Untyped(entry.Value) + " }");
                        continue;
                    }

                    if (entry.Value is JsonNull && property.Presence != Presence.Optional)
                    {
                        // A JSON null in a non-nullable property is kept as the reader keeps it: in AdditionalData.
                        extra.Add("{ " + Identifiers.Literal(entry.Key) + ", " + Untyped(entry.Value) + " }");
                        continue;
                    }

                    var value = entry.Value is JsonNull ? "null" : Value(property.Type, entry.Value);
                    if (value != null)
                    {
                        parts.Add(property.CsName + " = " + value);
                    }
                }

                if (extra.Count > 0)
                {
                    parts.Add("AdditionalData = { " + string.Join(", ", extra) + " }");
                }

                return "new " + TypeCode.Schema(model.ClassName) + " { " + string.Join(", ", parts) + " }";
            }

            /// <summary>A C# expression of the property's type for a non-null JSON value, or null when the value does not fit the type.</summary>
            private string? Value(TypeUse type, JsonNode node)
            {
                switch (type.Kind)
                {
                    case UseKind.String:
                        return node is JsonString s ? Identifiers.Literal(s.Value) : null;
                    case UseKind.Int32:
                        return Integer(node, "");
                    case UseKind.Int64:
                        return Integer(node, "L");
                    case UseKind.Double:
                        if (node is JsonNumber d)
                        {
                            return double.Parse(d.Raw, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture) + "d";
                        }

                        if (node is JsonString special)
                        {
                            switch (special.Value)
                            {
                                case "NaN": return "double.NaN";
                                case "Infinity": return "double.PositiveInfinity";
                                case "-Infinity": return "double.NegativeInfinity";
                            }
                        }

                        return null;
                    case UseKind.Boolean:
                        return node is JsonBool b ? (b.Value ? "true" : "false") : null;
                    case UseKind.Bytes:
                        return node is JsonString bytes ? "global::System.Convert.FromBase64String(" + Identifiers.Literal(bytes.Value) + ")" : null;
                    case UseKind.DateTime:
                        return node is JsonString date ? "global::System.DateTimeOffset.Parse(" + Identifiers.Literal(date.Value) + ", global::System.Globalization.CultureInfo.InvariantCulture)" : null;
                    case UseKind.Any:
                        return Untyped(node);
                    case UseKind.Model:
                        return _models.TryGetValue(type.Schema!, out var model) ? Model(model, node) : null;
                    case UseKind.Enum:
                        if (node is JsonString wire && _enums.TryGetValue(type.Schema!, out var e))
                        {
                            var member = e.Members.FirstOrDefault(m => m.WireName == wire.Value);
                            return member == null ? null : TypeCode.CsType(type) + "." + member.CsName;
                        }

                        return null;
                    case UseKind.Array:
                        if (!(node is JsonArray array))
                        {
                            return null;
                        }

                        var items = array.Items.Select(i => i is JsonNull ? null : Value(type.Item!, i)).Where(i => i != null);
                        return "new global::System.Collections.Generic.List<" + TypeCode.CsType(type.Item!) + "> { " + string.Join(", ", items) + " }";
                    case UseKind.Map:
                        if (!(node is JsonObject map))
                        {
                            return null;
                        }

                        var entries = map.Properties
                            .Select(p => (p.Key, Value: p.Value is JsonNull ? null : Value(type.Item!, p.Value)))
                            .Where(p => p.Value != null)
                            .Select(p => "[" + Identifiers.Literal(p.Key) + "] = " + p.Value);
                        return "new global::System.Collections.Generic.Dictionary<string, " + TypeCode.CsType(type.Item!) + "> { " + string.Join(", ", entries) + " }";
                    default:
                        return null;
                }
            }

            private static string? Integer(JsonNode node, string suffix)
            {
                var raw = node is JsonNumber n ? n.Raw : node is JsonString s ? s.Value : null;
                return raw != null && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                    ? value.ToString(CultureInfo.InvariantCulture) + suffix
                    : null;
            }

            private static string Untyped(JsonNode node)
            {
                const string S = TypeCode.Serialization;
                switch (node)
                {
                    case JsonObject obj:
                        return "new " + S + ".UntypedObject(new global::System.Collections.Generic.Dictionary<string, " + S + ".UntypedNode> { " +
                            string.Join(", ", obj.Properties.Select(p => "[" + Identifiers.Literal(p.Key) + "] = " + Untyped(p.Value))) + " })";
                    case JsonArray array:
                        return "new " + S + ".UntypedArray(new global::System.Collections.Generic.List<" + S + ".UntypedNode> { " + string.Join(", ", array.Items.Select(Untyped)) + " })";
                    case JsonString s:
                        return "new " + S + ".UntypedString(" + Identifiers.Literal(s.Value) + ")";
                    case JsonNumber n:
                        return long.TryParse(n.Raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                            ? "new " + S + ".UntypedLong(" + l.ToString(CultureInfo.InvariantCulture) + "L)"
                            : "new " + S + ".UntypedDouble(" + double.Parse(n.Raw, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture) + "d)";
                    case JsonBool b:
                        return "new " + S + ".UntypedBoolean(" + (b.Value ? "true" : "false") + ")";
                    default:
                        return "new " + S + ".UntypedNull()";
                }
            }
        }
    }
}
