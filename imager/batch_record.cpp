#include "batch_record.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace ptclean::imager {

nlohmann::json JobRecord::toJson() const {
  return {{"job", job},     {"status", status}, {"successful", status != "failed"}, {"server", server},
          {"error", error}, {"ret", result},    {"start", start}, {"stop", stop}, {"estimated_samples", estimated_samples}};
}

JobRecord JobRecord::fromJson(const nlohmann::json& j) {
  JobRecord r;
  r.job = j.at("job");
  r.status = j.at("status");
  r.server = j.value("server", -1);
  r.error = j.value("error", "");
  r.result = j.value("ret", nlohmann::json());
  r.start = j.value("start", 0.0);
  r.stop = j.value("stop", 0.0);
  r.estimated_samples = j.value("estimated_samples", 0.0);
  return r;
}

JobRecord JobRecord::fromResponse(const std::string& job, const CommandResponse& response) {
  JobRecord r;
  r.job = job;
  r.status = response.successful ? "succeeded" : "failed";
  r.server = response.server;
  r.error = response.error;
  r.result = response.ret;
  r.start = response.start;
  r.stop = response.stop;
  return r;
}

int BatchSummary::count(const std::string& status) const {
  return int(std::count_if(jobs.begin(), jobs.end(), [&](const JobRecord& r) { return r.status == status; }));
}

void writeJsonFile(const std::string& path, const nlohmann::json& value) {
  const std::string temporary = path + ".ptclean-tmp";
  {
    std::ofstream out(temporary);
    if (!(out << value.dump(2) << "\n")) throw std::runtime_error("cannot write " + path);
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace ptclean::imager
