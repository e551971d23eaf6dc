#include "weblog.h"

#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "image_result.h"
#include "log.h"
#include "weblog_pictures.h"

namespace fs = std::filesystem;

namespace ptclean::imager {

namespace {

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string number(double value, const char* format = "%.4g") {
  char text[48];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string utc(double unix_seconds) {
  const std::time_t t = std::time_t(unix_seconds);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&t));
  return text;
}

/// The output of a job's result whose name ends with `suffix` ("" when there is none).
std::string outputEndingWith(const nlohmann::json& result, const std::string& suffix) {
  for (const auto& path : result.value("outputs", std::vector<std::string>{}))
    if (path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0)
      return path;
  return "";
}

/// Draws the job's thumbnail and its larger picture into `dir`; false when its images are missing.
bool drawJobPictures(const JobRecord& job, const std::string& dir) {
  const std::string image_path = outputEndingWith(job.result, ".image.fits");
  const std::string residual_path = outputEndingWith(job.result, ".residual.fits");
  const std::string psf_path = outputEndingWith(job.result, ".psf.fits");
  if (image_path.empty() || residual_path.empty() || psf_path.empty()) return false;
  const ImagePlane image = readImagePlane(image_path), residual = readImagePlane(residual_path),
                   psf = readImagePlane(psf_path);
  const ImageResult result = ImageResult::fromJson(job.result);

  PanelStyle thumb{"image (Jy/beam)", 0, 1, result.beam, 200};
  displayRange(image, false, thumb.low, thumb.high);
  Canvas small(panelWidth(thumb), panelHeight(thumb));
  drawPanel(small, 0, 0, image, thumb);
  small.writePng(dir + "/" + job.job + ".thumb.png");

  PanelStyle big_image{"image (Jy/beam)", thumb.low, thumb.high, result.beam, 400};
  PanelStyle big_residual{"residual (Jy/beam)", 0, 1, std::nullopt, 400};
  displayRange(residual, true, big_residual.low, big_residual.high);
  PanelStyle big_psf{"PSF", -0.2, 1.0, std::nullopt, 400};
  const int w = panelWidth(big_image), h = panelHeight(big_image);
  Canvas large(3 * w, h);
  drawPanel(large, 0, 0, image, big_image);
  drawPanel(large, w, 0, residual, big_residual);
  drawPanel(large, 2 * w, 0, psf, big_psf);
  large.writePng(dir + "/" + job.job + ".png");
  return true;
}

const char* kStyle = R"(body{font-family:sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #bbb;padding:4px 6px;vertical-align:middle}
th{background:#eee}tr.failed td{background:#f8d0d0;color:#900}tr.skipped td{background:#f4f4f4}
td.num{text-align:right;font-family:monospace}img.thumb{display:block}.err{font-family:monospace;white-space:pre-wrap})";

}  // namespace

std::string writeWeblog(const std::string& outdir, const BatchSummary& summary) {
  const std::string final_dir = outdir + "/weblog", staging = outdir + "/weblog.ptclean-tmp";
  fs::remove_all(staging);
  fs::create_directories(staging);
  static const char* phases[] = {"read", "grid", "fft", "reduce", "minor", "degrid", "write"};

  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ptclean batch weblog</title><style>"
       << kStyle << "</style></head><body>\n<h1>ptclean batch</h1>\n<p>Batch file <code>" << escape(summary.batch_file)
       << "</code>; dataset(s): ";
  for (std::size_t i = 0; i < summary.datasets.size(); ++i)
    html << (i ? ", " : "") << "<code>" << escape(summary.datasets[i]) << "</code>";
  html << "<br>" << summary.ranks << " MPI rank(s): " << summary.servers << " server(s) of " << summary.ranks_per_job
       << " rank(s) x " << summary.threads_per_job << " thread(s) per job; started " << utc(summary.start)
       << ", total time " << number(summary.stop - summary.start, "%.1f") << " s<br>" << summary.jobs.size()
       << " job(s): " << summary.count("succeeded") << " succeeded, " << summary.count("failed") << " failed, "
       << summary.count("skipped") << " complete from an earlier run</p>\n";
  html << "<table id=\"jobs\"><thead><tr><th>image</th><th>job</th><th>status</th><th>peak<br>Jy/beam</th>"
          "<th>rms<br>Jy/beam</th><th>dynamic<br>range</th><th>beam</th><th>flux<br>Jy</th><th>iterations</th>"
          "<th>stop reason</th>";
  for (const char* p : phases) html << "<th>" << p << "<br>s</th>";
  html << "<th>wall<br>s</th><th>server</th></tr></thead><tbody>\n";

  for (const auto& job : summary.jobs) {
    const bool failed = job.status == "failed";
    html << "<tr class=\"" << job.status << "\" data-job=\"" << escape(job.job) << "\">";
    bool pictured = false;
    if (!failed) {
      try {
        pictured = drawJobPictures(job, staging);
      } catch (const std::exception& e) {
        spdlog::warn("weblog: no pictures for job {}: {}", job.job, e.what());
      }
    }
    if (pictured)
      html << "<td><a href=\"" << escape(job.job) << ".png\"><img class=\"thumb\" src=\"" << escape(job.job)
           << ".thumb.png\" alt=\"" << escape(job.job) << "\"></a></td>";
    else
      html << "<td></td>";
    html << "<td>" << escape(job.job) << "</td><td>" << job.status << "</td>";
    if (failed) {
      html << "<td colspan=\"" << (7 + std::size(phases) + 1) << "\" class=\"err\">" << escape(job.error) << "</td>";
    } else {
      const auto& r = job.result;
      const auto beam = r.value("beam", nlohmann::json::object());
      html << "<td class=\"num\">" << number(r.value("peak", 0.0)) << "</td><td class=\"num\">"
           << number(r.value("rms", 0.0)) << "</td><td class=\"num\">" << number(r.value("dynamic_range", 0.0), "%.0f")
           << "</td><td class=\"num\">" << number(beam.value("major_arcsec", 0.0), "%.3g") << "\" x "
           << number(beam.value("minor_arcsec", 0.0), "%.3g") << "\", " << number(beam.value("pa_deg", 0.0), "%.1f")
           << "&deg;</td><td class=\"num\">" << number(r.value("flux", 0.0)) << "</td><td class=\"num\">"
           << r.value("iterations", 0L) << "</td><td>" << escape(r.value("stop_reason", std::string())) << "</td>";
      const auto times = r.value("phases", nlohmann::json::object());
      for (const char* p : phases) html << "<td class=\"num\">" << number(times.value(p, 0.0), "%.2f") << "</td>";
      html << "<td class=\"num\">" << number(r.value("wall", 0.0), "%.2f") << "</td>";
    }
    html << "<td>" << (job.server <= 0 ? std::string("client") : "server-" + std::to_string(job.server)) << "</td></tr>\n";
  }
  html << "</tbody></table>\n<p>Each thumbnail links to the job's image, residual and PSF. Written by ptclean batch.</p>\n"
          "</body></html>\n";
  std::ofstream(staging + "/index.html") << html.str();
  fs::remove_all(final_dir);
  fs::rename(staging, final_dir);
  return final_dir + "/index.html";
}

}  // namespace ptclean::imager
