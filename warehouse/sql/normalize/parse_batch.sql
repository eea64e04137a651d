-- Parse each record of one piece of normalize_input(nct_id, version, record, piece) once into
-- a typed struct; every normalized table reads the result (temp table normalize_batch, which
-- warehouse/normalize.py creates from the first piece and fills with the others).
-- from_json keeps only the paths listed here and sets a value that does not fit its type to
-- NULL instead of failing, so an odd record still normalizes (its raw JSON stays in
-- study_versions.record either way).
-- Each module becomes its own column: statements then bind against small struct types, which
-- matters because binding a field of one struct with every module in it costs milliseconds.
SELECT
    parsed.nct_id,
    parsed.version,
    parsed.s.protocolSection.identificationModule AS identification_module,
    parsed.s.protocolSection.statusModule AS status_module,
    parsed.s.protocolSection.sponsorCollaboratorsModule AS sponsor_module,
    parsed.s.protocolSection.oversightModule AS oversight_module,
    parsed.s.protocolSection.descriptionModule AS description_module,
    parsed.s.protocolSection.conditionsModule AS conditions_module,
    parsed.s.protocolSection.designModule AS design_module,
    parsed.s.protocolSection.armsInterventionsModule AS arms_module,
    parsed.s.protocolSection.outcomesModule AS outcomes_module,
    parsed.s.protocolSection.eligibilityModule AS eligibility_module,
    parsed.s.protocolSection.contactsLocationsModule AS contacts_module,
    parsed.s.protocolSection.referencesModule AS references_module,
    parsed.s.protocolSection.ipdSharingStatementModule AS ipd_module,
    parsed.s.resultsSection.participantFlowModule AS flow_module,
    parsed.s.resultsSection.baselineCharacteristicsModule AS baseline_module,
    parsed.s.resultsSection.outcomeMeasuresModule AS measures_module,
    parsed.s.resultsSection.adverseEventsModule AS events_module,
    parsed.s.resultsSection.moreInfoModule AS more_info_module,
    parsed.s.documentSection.largeDocumentModule AS documents_module,
    parsed.s.derivedSection.miscInfoModule AS misc_module,
    parsed.s.derivedSection.conditionBrowseModule AS condition_browse_module,
    parsed.s.derivedSection.interventionBrowseModule AS intervention_browse_module,
    parsed.s.hasResults AS has_results
FROM (
    SELECT
        v.nct_id,
        v.version,
        from_json(v.record, '{
          "protocolSection": {
            "identificationModule": {
              "nctIdAliases": ["VARCHAR"],
              "orgStudyIdInfo": {"id": "VARCHAR", "type": "VARCHAR", "link": "VARCHAR"},
              "secondaryIdInfos": [{"id": "VARCHAR", "type": "VARCHAR", "domain": "VARCHAR", "link": "VARCHAR"}],
              "briefTitle": "VARCHAR", "officialTitle": "VARCHAR", "acronym": "VARCHAR",
              "organization": {"fullName": "VARCHAR", "class": "VARCHAR"}
            },
            "statusModule": {
              "statusVerifiedDate": "VARCHAR", "overallStatus": "VARCHAR", "lastKnownStatus": "VARCHAR",
              "delayedPosting": "BOOLEAN", "whyStopped": "VARCHAR",
              "expandedAccessInfo": {"hasExpandedAccess": "BOOLEAN", "nctId": "VARCHAR", "statusForNctId": "VARCHAR"},
              "startDateStruct": {"date": "VARCHAR", "type": "VARCHAR"},
              "primaryCompletionDateStruct": {"date": "VARCHAR", "type": "VARCHAR"},
              "completionDateStruct": {"date": "VARCHAR", "type": "VARCHAR"},
              "studyFirstSubmitDate": "VARCHAR", "studyFirstSubmitQcDate": "VARCHAR",
              "studyFirstPostDateStruct": {"date": "VARCHAR", "type": "VARCHAR"},
              "resultsWaived": "BOOLEAN",
              "resultsFirstSubmitDate": "VARCHAR", "resultsFirstSubmitQcDate": "VARCHAR",
              "resultsFirstPostDateStruct": {"date": "VARCHAR", "type": "VARCHAR"},
              "dispFirstSubmitDate": "VARCHAR", "dispFirstSubmitQcDate": "VARCHAR",
              "dispFirstPostDateStruct": {"date": "VARCHAR", "type": "VARCHAR"},
              "lastUpdateSubmitDate": "VARCHAR",
              "lastUpdatePostDateStruct": {"date": "VARCHAR", "type": "VARCHAR"}
            },
            "sponsorCollaboratorsModule": {
              "responsibleParty": {
                "type": "VARCHAR", "investigatorFullName": "VARCHAR", "investigatorTitle": "VARCHAR",
                "investigatorAffiliation": "VARCHAR", "oldNameTitle": "VARCHAR", "oldOrganization": "VARCHAR"
              },
              "leadSponsor": {"name": "VARCHAR", "class": "VARCHAR"},
              "collaborators": [{"name": "VARCHAR", "class": "VARCHAR"}]
            },
            "oversightModule": {
              "oversightHasDmc": "BOOLEAN", "isFdaRegulatedDrug": "BOOLEAN", "isFdaRegulatedDevice": "BOOLEAN",
              "isUnapprovedDevice": "BOOLEAN", "isPpsd": "BOOLEAN", "isUsExport": "BOOLEAN",
              "fdaaa801Violation": "BOOLEAN"
            },
            "descriptionModule": {"briefSummary": "VARCHAR", "detailedDescription": "VARCHAR"},
            "conditionsModule": {"conditions": ["VARCHAR"], "keywords": ["VARCHAR"]},
            "designModule": {
              "studyType": "VARCHAR",
              "expandedAccessTypes": {"individual": "BOOLEAN", "intermediate": "BOOLEAN", "treatment": "BOOLEAN"},
              "patientRegistry": "BOOLEAN", "targetDuration": "VARCHAR",
              "phases": ["VARCHAR"],
              "designInfo": {
                "allocation": "VARCHAR", "interventionModel": "VARCHAR", "interventionModelDescription": "VARCHAR",
                "primaryPurpose": "VARCHAR", "observationalModel": "VARCHAR", "timePerspective": "VARCHAR",
                "maskingInfo": {"masking": "VARCHAR", "maskingDescription": "VARCHAR", "whoMasked": ["VARCHAR"]}
              },
              "bioSpec": {"retention": "VARCHAR", "description": "VARCHAR"},
              "enrollmentInfo": {"count": "BIGINT", "type": "VARCHAR"}
            },
            "armsInterventionsModule": {
              "armGroups": [{"label": "VARCHAR", "type": "VARCHAR", "description": "VARCHAR", "interventionNames": ["VARCHAR"]}],
              "interventions": [{
                "type": "VARCHAR", "name": "VARCHAR", "description": "VARCHAR",
                "armGroupLabels": ["VARCHAR"], "otherNames": ["VARCHAR"]
              }]
            },
            "outcomesModule": {
              "primaryOutcomes": [{"measure": "VARCHAR", "description": "VARCHAR", "timeFrame": "VARCHAR"}],
              "secondaryOutcomes": [{"measure": "VARCHAR", "description": "VARCHAR", "timeFrame": "VARCHAR"}],
              "otherOutcomes": [{"measure": "VARCHAR", "description": "VARCHAR", "timeFrame": "VARCHAR"}]
            },
            "eligibilityModule": {
              "eligibilityCriteria": "VARCHAR", "healthyVolunteers": "BOOLEAN", "sex": "VARCHAR",
              "genderBased": "BOOLEAN", "genderDescription": "VARCHAR",
              "minimumAge": "VARCHAR", "maximumAge": "VARCHAR", "stdAges": ["VARCHAR"],
              "studyPopulation": "VARCHAR", "samplingMethod": "VARCHAR"
            },
            "contactsLocationsModule": {
              "centralContacts": [{"name": "VARCHAR", "role": "VARCHAR", "phone": "VARCHAR", "phoneExt": "VARCHAR", "email": "VARCHAR"}],
              "overallOfficials": [{"name": "VARCHAR", "affiliation": "VARCHAR", "role": "VARCHAR"}],
              "locations": [{
                "facility": "VARCHAR", "status": "VARCHAR", "city": "VARCHAR", "state": "VARCHAR",
                "zip": "VARCHAR", "country": "VARCHAR",
                "contacts": [{"name": "VARCHAR", "role": "VARCHAR", "phone": "VARCHAR", "phoneExt": "VARCHAR", "email": "VARCHAR"}],
                "geoPoint": {"lat": "DOUBLE", "lon": "DOUBLE"}
              }]
            },
            "referencesModule": {
              "references": [{"pmid": "VARCHAR", "type": "VARCHAR", "citation": "VARCHAR", "retractions": [{"pmid": "VARCHAR"}]}],
              "seeAlsoLinks": [{"label": "VARCHAR", "url": "VARCHAR"}]
            },
            "ipdSharingStatementModule": {
              "ipdSharing": "VARCHAR", "description": "VARCHAR", "infoTypes": ["VARCHAR"],
              "timeFrame": "VARCHAR", "accessCriteria": "VARCHAR", "url": "VARCHAR"
            }
          },
          "resultsSection": {
            "participantFlowModule": {
              "preAssignmentDetails": "VARCHAR", "recruitmentDetails": "VARCHAR", "typeUnitsAnalyzed": "VARCHAR",
              "groups": [{"id": "VARCHAR", "title": "VARCHAR", "description": "VARCHAR"}],
              "periods": [{
                "title": "VARCHAR",
                "milestones": [{
                  "type": "VARCHAR", "comment": "VARCHAR",
                  "achievements": [{"groupId": "VARCHAR", "comment": "VARCHAR", "numSubjects": "VARCHAR", "numUnits": "VARCHAR"}]
                }],
                "dropWithdraws": [{
                  "type": "VARCHAR", "comment": "VARCHAR",
                  "reasons": [{"groupId": "VARCHAR", "comment": "VARCHAR", "numSubjects": "VARCHAR", "numUnits": "VARCHAR"}]
                }]
              }]
            },
            "baselineCharacteristicsModule": {
              "populationDescription": "VARCHAR", "typeUnitsAnalyzed": "VARCHAR",
              "groups": [{"id": "VARCHAR", "title": "VARCHAR", "description": "VARCHAR"}],
              "denoms": [{"units": "VARCHAR", "counts": [{"groupId": "VARCHAR", "value": "VARCHAR"}]}],
              "measures": [{
                "title": "VARCHAR", "description": "VARCHAR", "populationDescription": "VARCHAR",
                "paramType": "VARCHAR", "dispersionType": "VARCHAR", "unitOfMeasure": "VARCHAR",
                "classes": [{
                  "title": "VARCHAR",
                  "categories": [{
                    "title": "VARCHAR",
                    "measurements": [{
                      "groupId": "VARCHAR", "value": "VARCHAR", "spread": "VARCHAR",
                      "lowerLimit": "VARCHAR", "upperLimit": "VARCHAR", "comment": "VARCHAR"
                    }]
                  }]
                }]
              }]
            },
            "outcomeMeasuresModule": {
              "outcomeMeasures": [{
                "type": "VARCHAR", "title": "VARCHAR", "description": "VARCHAR", "populationDescription": "VARCHAR",
                "reportingStatus": "VARCHAR", "anticipatedPostingDate": "VARCHAR", "paramType": "VARCHAR",
                "dispersionType": "VARCHAR", "unitOfMeasure": "VARCHAR", "calculatePct": "BOOLEAN",
                "timeFrame": "VARCHAR", "typeUnitsAnalyzed": "VARCHAR", "denomUnitsSelected": "VARCHAR",
                "groups": [{"id": "VARCHAR", "title": "VARCHAR", "description": "VARCHAR"}],
                "denoms": [{"units": "VARCHAR", "counts": [{"groupId": "VARCHAR", "value": "VARCHAR"}]}],
                "classes": [{
                  "title": "VARCHAR",
                  "categories": [{
                    "title": "VARCHAR",
                    "measurements": [{
                      "groupId": "VARCHAR", "value": "VARCHAR", "spread": "VARCHAR",
                      "lowerLimit": "VARCHAR", "upperLimit": "VARCHAR", "comment": "VARCHAR"
                    }]
                  }]
                }],
                "analyses": [{
                  "paramType": "VARCHAR", "paramValue": "VARCHAR", "dispersionType": "VARCHAR",
                  "dispersionValue": "VARCHAR", "statisticalMethod": "VARCHAR", "statisticalComment": "VARCHAR",
                  "pValue": "VARCHAR", "pValueComment": "VARCHAR", "ciNumSides": "VARCHAR", "ciPctValue": "VARCHAR",
                  "ciLowerLimit": "VARCHAR", "ciUpperLimit": "VARCHAR", "ciLowerLimitComment": "VARCHAR",
                  "ciUpperLimitComment": "VARCHAR", "estimateComment": "VARCHAR", "testedNonInferiority": "BOOLEAN",
                  "nonInferiorityType": "VARCHAR", "nonInferiorityComment": "VARCHAR",
                  "otherAnalysisDescription": "VARCHAR", "groupDescription": "VARCHAR", "groupIds": ["VARCHAR"]
                }]
              }]
            },
            "adverseEventsModule": {
              "frequencyThreshold": "VARCHAR", "timeFrame": "VARCHAR", "description": "VARCHAR",
              "allCauseMortalityComment": "VARCHAR",
              "eventGroups": [{
                "id": "VARCHAR", "title": "VARCHAR", "description": "VARCHAR",
                "deathsNumAffected": "BIGINT", "deathsNumAtRisk": "BIGINT",
                "seriousNumAffected": "BIGINT", "seriousNumAtRisk": "BIGINT",
                "otherNumAffected": "BIGINT", "otherNumAtRisk": "BIGINT"
              }],
              "seriousEvents": [{
                "term": "VARCHAR", "organSystem": "VARCHAR", "sourceVocabulary": "VARCHAR",
                "assessmentType": "VARCHAR", "notes": "VARCHAR",
                "stats": [{"groupId": "VARCHAR", "numEvents": "BIGINT", "numAffected": "BIGINT", "numAtRisk": "BIGINT"}]
              }],
              "otherEvents": [{
                "term": "VARCHAR", "organSystem": "VARCHAR", "sourceVocabulary": "VARCHAR",
                "assessmentType": "VARCHAR", "notes": "VARCHAR",
                "stats": [{"groupId": "VARCHAR", "numEvents": "BIGINT", "numAffected": "BIGINT", "numAtRisk": "BIGINT"}]
              }]
            },
            "moreInfoModule": {
              "limitationsAndCaveats": {"description": "VARCHAR"},
              "certainAgreement": {
                "piSponsorEmployee": "BOOLEAN", "restrictionType": "VARCHAR",
                "restrictiveAgreement": "BOOLEAN", "otherDetails": "VARCHAR"
              },
              "pointOfContact": {
                "title": "VARCHAR", "organization": "VARCHAR", "email": "VARCHAR",
                "phone": "VARCHAR", "phoneExt": "VARCHAR"
              }
            }
          },
          "documentSection": {
            "largeDocumentModule": {
              "noSap": "BOOLEAN",
              "largeDocs": [{
                "typeAbbrev": "VARCHAR", "hasProtocol": "BOOLEAN", "hasSap": "BOOLEAN", "hasIcf": "BOOLEAN",
                "label": "VARCHAR", "date": "VARCHAR", "uploadDate": "VARCHAR", "filename": "VARCHAR",
                "size": "BIGINT"
              }]
            }
          },
          "derivedSection": {
            "miscInfoModule": {"versionHolder": "VARCHAR", "removedCountries": ["VARCHAR"]},
            "conditionBrowseModule": {
              "meshes": [{"id": "VARCHAR", "term": "VARCHAR"}],
              "ancestors": [{"id": "VARCHAR", "term": "VARCHAR"}]
            },
            "interventionBrowseModule": {
              "meshes": [{"id": "VARCHAR", "term": "VARCHAR"}],
              "ancestors": [{"id": "VARCHAR", "term": "VARCHAR"}]
            }
          },
          "hasResults": "BOOLEAN"
        }') AS s
    FROM normalize_input AS v
    WHERE v.piece = $piece
) AS parsed
