using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>
    /// Writes a C# enum whose members carry their wire names (<c>[EnumMember(Value = "RUNNING")]</c>, as Kiota does),
    /// plus an internal companion class converting to and from the wire names without reflection. A name the enum
    /// does not know is not lost: the model keeps it in AdditionalData under the field name.
    /// </summary>
    internal static class EnumEmitter
    {
        public static string HintName(EnumPlan e) => GeneratedNamespaces.Models + "." + e.Name + ".g.cs";

        public static string Emit(EnumPlan e)
        {
            var w = new CodeWriter().Header();
            w.Open("namespace " + GeneratedNamespaces.Models);
            w.Summary(e.Description, "The " + e.Name + " values.");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Open("public enum " + e.Name);
            foreach (var m in e.Members)
            {
                w.Line("/// <summary>Wire name <c>" + Identifiers.Xml(m.WireName) + "</c>.</summary>");
                w.Line("[global::System.Runtime.Serialization.EnumMember(Value = " + Identifiers.Literal(m.WireName) + ")]");
                w.Line(m.CsName + ",");
            }

            w.Close();
            w.Line();
            w.Line("/// <summary>Wire names of <see cref=\"" + e.Name + "\"/>.</summary>");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Open("internal static class " + e.Name + "WireNames");
            w.Line("/// <summary>The wire name of a value.</summary>");
            w.Open("public static string ToWire(" + e.Name + " value)");
            w.Open("switch (value)");
            foreach (var m in e.Members)
            {
                w.Line("case " + e.Name + "." + m.CsName + ": return " + Identifiers.Literal(m.WireName) + ";");
            }

            w.Line("default: return ((int)value).ToString(global::System.Globalization.CultureInfo.InvariantCulture);");
            w.Close();
            w.Close();
            w.Line();
            w.Line("/// <summary>The value of a wire name; false for a name this version does not know.</summary>");
            w.Open("public static bool TryParse(string? text, out " + e.Name + " value)");
            w.Open("switch (text)");
            foreach (var m in e.Members)
            {
                w.Line("case " + Identifiers.Literal(m.WireName) + ": value = " + e.Name + "." + m.CsName + "; return true;");
            }

            w.Line("default: value = default; return false;");
            w.Close();
            w.Close();
            w.Line();
            w.Line("/// <summary>The value of an untyped JSON string.</summary>");
            w.Line("public static bool TryParse(" + TypeCode.Untyped + " node, out " + e.Name + " value) => TryParse((node as " + TypeCode.Serialization + ".UntypedString)?.GetValue(), out value);");
            w.Close();
            w.Close();
            return w.ToString();
        }
    }
}
