using System;
using System.Text;

namespace Mlflow.Generators.Helpers
{
    /// <summary>An indenting text builder for emitted C#.</summary>
    internal sealed class CodeWriter
    {
        private readonly StringBuilder _sb = new StringBuilder();
        private int _indent;

        public CodeWriter Line(string text = "")
        {
            if (text.Length > 0)
            {
                _sb.Append(' ', _indent * 4);
            }

            _sb.Append(text).Append('\n');
            return this;
        }

        public CodeWriter Open(string text)
        {
            Line(text);
            Line("{");
            _indent++;
            return this;
        }

        public CodeWriter Close(string suffix = "")
        {
            _indent--;
            Line("}" + suffix);
            return this;
        }

        /// <summary>Writes a summary doc comment; every line of the text becomes its own comment line.</summary>
        public CodeWriter Summary(string? text, string fallback)
        {
            var body = string.IsNullOrWhiteSpace(text) ? fallback : text!.Trim();
            Line("/// <summary>");
            foreach (var raw in body.Split(new[] { '\n' }, StringSplitOptions.None))
            {
                var line = raw.TrimEnd('\r');
                Line("/// " + Naming.Xml(line));
            }

            Line("/// </summary>");
            return this;
        }

        public override string ToString() => _sb.ToString();
    }
}
