/*
 * Typesets the LaTeX of maths blocks with the vendored KaTeX (static/vendor/katex/).
 *
 * courses/blocks/math.html outputs each formula's source as escaped text of an element
 * with the class "math-tex" ("math-display" for a displayed formula). This script
 * replaces that text with KaTeX's HTML and MathML. A formula KaTeX cannot parse is shown
 * as its source with the error highlighted (throwOnError: false), and without JavaScript
 * the source stays readable. Loaded only on lesson and task pages with a maths block.
 */
(function () {
  "use strict";

  function typeset(root) {
    if (!window.katex) {
      return;
    }
    var elements = (root || document).querySelectorAll(".math-tex:not([data-math-rendered])");
    Array.prototype.forEach.call(elements, function (element) {
      var source = element.textContent;
      try {
        window.katex.render(source, element, {
          displayMode: element.classList.contains("math-display"),
          throwOnError: false,
          output: "htmlAndMathml",
          trust: false,
        });
        element.setAttribute("data-math-rendered", "true");
      } catch (error) {
        // Leave the LaTeX source readable; KaTeX only throws here for internal errors.
        element.textContent = source;
      }
    });
  }

  window.tutorflowTypesetMaths = typeset;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      typeset(document);
    });
  } else {
    typeset(document);
  }
})();
